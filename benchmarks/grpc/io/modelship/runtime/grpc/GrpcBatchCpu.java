package io.modelship.runtime.grpc;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelship.runtime.grpc.v2.ModelInferRequest;
import io.modelship.runtime.grpc.v2.ModelInferResponse;
import io.modelship.runtime.inference.InferenceService;
import io.modelship.runtime.model.ModelPackage;
import io.modelship.runtime.server.ServeConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * The CPU one 1000-row ModelInfer (raw FP64 [1000, features]) takes on the calling thread, by step,
 * measured with thread CPU time as benchmarks/batch-cpu does for REST: protobuf parse, tensor to
 * rows, the model alone, predict with what every protocol records per row (request ids, counts,
 * then drift and remembered predictions with monitoring on, then signed ids with a key), gRPC's
 * predict without ids, the answer message and its bytes (the last three only with a jar that has
 * them). Lives in the runtime's gRPC package for its package-private
 * classes; run against the packaged jar:
 *
 * <pre>
 * cd benchmarks/grpc
 * javac -cp ../../serving-runtime/target/serving-runtime.jar -d target io/modelship/runtime/grpc/GrpcBatchCpu.java
 * java -XX:+UseSerialGC -Xmx104m -Xmn64m -cp ../../serving-runtime/target/serving-runtime.jar:target \
 *     io.modelship.runtime.grpc.GrpcBatchCpu MODEL_DIR_OR_ARCHIVE
 * </pre>
 *
 * with {@code -Drounds=N -Dseconds=S} for more or longer rounds (3 of 4 s by default); a model
 * as run-grpc.sh trains it (the jar's {@code generate-data} and {@code train}). A jar from before
 * {@code predictWithoutIds} runs the steps it has (compile against the newer classes).
 */
public class GrpcBatchCpu {

    static final ThreadMXBean T = ManagementFactory.getThreadMXBean();
    static boolean newApi = true;

    public static void main(String[] a) throws Exception {
        String uri = a[0];
        InferenceService plain = service(uri, false, null);
        InferenceService monitored = service(uri, true, null);
        InferenceService signed = service(uri, true, "a-signing-key-of-32-characters!!");
        int width = plain.rows().width();
        Random random = new Random(7);
        ByteBuffer raw = ByteBuffer.allocate(1000 * width * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 1000 * width; i++) {
            raw.putDouble(Math.round(random.nextGaussian() * 1000) / 1000.0);
        }
        byte[] body = ModelInferRequest.newBuilder().setModelName(plain.manifest().name())
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("input-0").setDatatype("FP64")
                        .addShape(1000).addShape(width))
                .addRawInputContents(com.google.protobuf.ByteString.copyFrom(raw.array())).build().toByteArray();
        int rounds = Integer.getInteger("rounds", 3);
        long seconds = Long.getLong("seconds", 4);
        for (int round = 0; round < rounds; round++) {
            long n = 0, tParse = 0, tRows = 0, tModel = 0, tPlain = 0, tMonitored = 0, tSigned = 0, tNoIds = 0,
                    tAnswer = 0, tBytes = 0;
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                long c0 = cpu();
                ModelInferRequest request = ModelInferRequest.parseFrom(body);
                long c1 = cpu();
                double[][] rows = GrpcTensors.rows(signed.rows(), request);
                long c2 = cpu();
                plain.model().model().predict(rows);
                long c3 = cpu();
                plain.predict(rows);
                long c4 = cpu();
                monitored.predict(rows);
                long c5 = cpu();
                InferenceService.Prediction[] p = signed.predict(rows);
                long c6 = cpu();
                long c7 = c6, c8 = c6, c9 = c6;
                if (newApi) {
                    try {
                        p = signed.predictWithoutIds(rows);
                        c7 = cpu();
                        ModelInferResponse response = InferenceGrpcService.answer(signed, request,
                                InferenceGrpcService.requestedOutputs(request, false), p);
                        c8 = cpu();
                        if (response.toByteArray().length == 0) {
                            throw new AssertionError();
                        }
                        c9 = cpu();
                    } catch (NoSuchMethodError | IllegalAccessError e) {
                        newApi = false; // a jar from before predictWithoutIds: the steps it has only
                    }
                }
                tParse += c1 - c0; tRows += c2 - c1; tModel += c3 - c2; tPlain += c4 - c3; tMonitored += c5 - c4;
                tSigned += c6 - c5; tNoIds += c7 - c6; tAnswer += c8 - c7; tBytes += c9 - c8; n++;
            }
            System.out.printf("round %d (%d requests), CPU ms per 1000-row ModelInfer: parse %.3f | tensor->rows %.3f"
                    + " | model alone %.3f || predict with ids (REST's): monitoring off %.3f | on %.3f | on, signed"
                    + " %.3f || predictWithoutIds (gRPC's), on, signed %.3f | answer message %.3f | its bytes %.3f%n",
                    round, n, ms(tParse, n), ms(tRows, n), ms(tModel, n), ms(tPlain, n), ms(tMonitored, n),
                    ms(tSigned, n), ms(tNoIds, n), ms(tAnswer, n), ms(tBytes, n));
        }
        System.exit(0);
    }

    static InferenceService service(String uri, boolean monitoring, String key) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("MODEL_URI", uri, "MONITORING_ENABLED", "" + monitoring));
        if (key != null) {
            env.put("FEEDBACK_SIGNING_KEY", key);
        }
        ServeConfig config = ServeConfig.fromEnvironment(env).validate();
        ModelPackage pkg = ModelPackage.load(uri, null,
                ModelPackage.LoadOptions.of(config.pvcRoot(), config.workDir(), config.maxDownloadBytes()));
        return new InferenceService(pkg, config, new SimpleMeterRegistry());
    }

    static long cpu() {
        return T.getCurrentThreadCpuTime();
    }

    static double ms(long ns, long n) {
        return ns / 1e6 / n;
    }
}
