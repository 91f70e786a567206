package io.modelship.runtime.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelship.runtime.inference.FeatureRows;
import io.modelship.runtime.inference.InferenceService;
import io.modelship.runtime.model.ModelPackage;
import io.modelship.runtime.server.ServeConfig;
import java.lang.management.ManagementFactory;
import java.nio.file.*;
import java.util.*;

/**
 * The CPU one batch request's steps take on the request thread, measured with thread CPU time (so
 * other load on the machine hardly moves it): the JSON tree and tree-to-rows copy /predict_batch used
 * before 2026-12-02 against the streamed rows it uses now, predict with and without monitoring, and
 * the answer as maps (the former code, kept here as the reference) against the streaming writer.
 * Lives in the runtime's package for its package-private classes; run against the packaged jar:
 *
 * <pre>
 * cd benchmarks/batch-cpu
 * javac -cp ../../serving-runtime/target/serving-runtime.jar -d target io/modelship/runtime/http/BatchCpu.java
 * java -XX:+UseSerialGC -Xmx104m -Xmn64m -cp ../../serving-runtime/target/serving-runtime.jar:target \
 *     io.modelship.runtime.http.BatchCpu ../target/batch.json ../target/onnx-model
 * </pre>
 *
 * (the body and package are what run-serving.sh leaves in benchmarks/target).
 */
public class BatchCpu {
    static final java.lang.management.ThreadMXBean T = ManagementFactory.getThreadMXBean();
    public static void main(String[] a) throws Exception {
        byte[] body = Files.readAllBytes(Path.of(a[0]));
        ServeConfig config = ServeConfig.fromEnvironment(Map.of("MODEL_URI", a[1], "MONITORING_ENABLED", "true")).validate();
        ModelPackage pkg = ModelPackage.load(a[1], null, ModelPackage.LoadOptions.of(config.pvcRoot(), config.workDir(), config.maxDownloadBytes()));
        InferenceService service = new InferenceService(pkg, config, new SimpleMeterRegistry());
        FeatureRows rows = service.rows();
        JsonFactory f = JsonIo.MAPPER.getFactory();
        BoundedJson.InFlight inflight = new BoundedJson.InFlight(1L << 30);
        JsonLimits limits = JsonLimits.forRows(rows);
        double[][] batch = null;
        for (int round = 0; round < 3; round++) {
            long n = 0, tTree = 0, tRows = 0, tStream = 0, tPredict = 0, tModel = 0, tOld = 0, tNew = 0;
            long end = System.nanoTime() + 4_000_000_000L;
            while (System.nanoTime() < end) {
                long c0 = cpu();
                JsonNode tree;
                try (var lease = inflight.lease(); JsonParser p = f.createParser(body)) { tree = BoundedJson.read(p, limits, lease); }
                long c1 = cpu();
                double[][] r1 = rows.rows(tree.get("instances"), "'instances'");
                long c2 = cpu();
                double[][] r2;
                try (var lease = inflight.lease(); JsonParser p = f.createParser(body)) {
                    r2 = BatchBody.read(p, new BoundedJson(p, limits, lease), rows, "instances", true).rows(rows, "'instances'");
                }
                long c3 = cpu();
                InferenceService.Prediction[] pr = service.predict(r2);
                long c4 = cpu();
                pkg.model().predict(r2);
                long c5 = cpu();
                byte[] old = JsonIo.MAPPER.writeValueAsBytes(oldAnswer(service, pr));
                long c6 = cpu();
                byte[] neu = PredictionJson.batchAnswer(service, pr, true);
                long c7 = cpu();
                if (old.length != neu.length || !Arrays.deepEquals(r1, r2)) throw new AssertionError("differ");
                tTree += c1 - c0; tRows += c2 - c1; tStream += c3 - c2; tPredict += c4 - c3; tModel += c5 - c4; tOld += c6 - c5; tNew += c7 - c6; n++;
            }
            System.out.printf("round %d (%d requests), CPU ms per 1000-row request (request thread only): tree parse %.2f + tree->rows %.2f = %.2f | streamed %.2f || predict+monitoring %.2f (model alone %.2f) || answer maps %.2f | streamed %.2f%n",
                round, n, ms(tTree, n), ms(tRows, n), ms(tTree + tRows, n), ms(tStream, n), ms(tPredict, n), ms(tModel, n), ms(tOld, n), ms(tNew, n));
        }
        System.exit(0);
    }
    static long cpu() { return T.getCurrentThreadCpuTime(); }
    static double ms(long ns, long n) { return ns / 1e6 / n; }
    static Map<String, Object> oldAnswer(InferenceService service, InferenceService.Prediction[] predictions) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> predicted = new ArrayList<>(predictions.length);
        List<Map<String, Double>> probabilities = new ArrayList<>(predictions.length);
        for (InferenceService.Prediction p : predictions) {
            predicted.add(service.labels().get(p.classIndex()));
            probabilities.add(PredictionJson.probabilitiesByLabel(service.labels(), p.probabilities()));
        }
        out.put("predictions", predicted);
        out.put("probabilities", probabilities);
        out.put("model", service.manifest().name());
        out.put("version", service.manifest().version());
        out.put("request_ids", Arrays.stream(predictions).map(InferenceService.Prediction::requestId).toList());
        return out;
    }
}
