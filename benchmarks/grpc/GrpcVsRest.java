// The Open Inference Protocol over gRPC against REST, side by side on one running runtime: one-row
// ModelInfer against POST /predict, and 1000-row ModelInfer against POST /predict_batch, each from
// the same kind of client (Java: grpc-java's blocking stub, the JDK's HttpClient over HTTP/1.1
// keep-alive), the same number of connections and threads, alternating runs so that a busy machine
// slows both alike. Prints one line per run and a summary with the spread over repeats.
//
//   java -cp serving-runtime/target/serving-runtime.jar benchmarks/grpc/GrpcVsRest.java \
//       --http http://127.0.0.1:8080 --grpc 127.0.0.1:8081 --model NAME --features 20 \
//       [--connections 8] [--seconds 10] [--repeats 3] [--token T]
//
// benchmarks/grpc/run-grpc.sh trains the benchmark forest, starts the runtime and runs this.
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.modelship.runtime.grpc.v2.GRPCInferenceServiceGrpc;
import io.modelship.runtime.grpc.v2.InferTensorContents;
import io.modelship.runtime.grpc.v2.ModelInferRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

public class GrpcVsRest {

    interface Caller {
        void call() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String http = a.get("http");
        String[] grpc = a.get("grpc").split(":");
        String model = a.get("model");
        int features = Integer.parseInt(a.get("features"));
        int connections = Integer.parseInt(a.getOrDefault("connections", "8"));
        int seconds = Integer.parseInt(a.getOrDefault("seconds", "10"));
        int repeats = Integer.parseInt(a.getOrDefault("repeats", "3"));
        String token = a.get("token");
        // The server's pid: its CPU time per request (or per 1000 rows) is reported beside the
        // throughput, a figure a busy machine disturbs much less than throughput.
        String pid = a.get("server-pid");

        Random random = new Random(7);
        double[][] batch = new double[1000][features];
        for (double[] row : batch) {
            for (int j = 0; j < features; j++) {
                row[j] = Math.round(random.nextGaussian() * 1000) / 1000.0;
            }
        }
        String oneJson = "{\"features\":" + json(batch[0]) + "}";
        StringBuilder sb = new StringBuilder("{\"instances\":[");
        for (int i = 0; i < batch.length; i++) {
            sb.append(i == 0 ? "" : ",").append(json(batch[i]));
        }
        String batchJson = sb.append("]}").toString();
        ModelInferRequest oneGrpc = typed(model, new double[][] {batch[0]});
        ModelInferRequest batchGrpc = raw(model, batch);

        List<ManagedChannel> channels = new ArrayList<>();
        List<io.grpc.Channel> stubs = new ArrayList<>();
        // Both sides read the answer's bytes and decode nothing: the REST side takes the body as
        // bytes, so the gRPC side takes the message's bytes too (a stub would parse the
        // ModelInferResponse on the same two cores the server runs on, and measure the client).
        var infer = GRPCInferenceServiceGrpc.getModelInferMethod();
        io.grpc.MethodDescriptor<ModelInferRequest, byte[]> inferBytes =
                infer.toBuilder(infer.getRequestMarshaller(), new io.grpc.MethodDescriptor.Marshaller<byte[]>() {
                    @Override
                    public java.io.InputStream stream(byte[] value) {
                        return new java.io.ByteArrayInputStream(value);
                    }

                    @Override
                    public byte[] parse(java.io.InputStream stream) {
                        try (stream) {
                            return stream.readAllBytes();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                }).build();
        List<HttpClient> clients = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            ManagedChannel ch = NettyChannelBuilder.forAddress(grpc[0], Integer.parseInt(grpc[1])).usePlaintext()
                    .maxInboundMessageSize(64 << 20).build();
            channels.add(ch);
            io.grpc.Channel stub = ch;
            if (token != null) {
                Metadata h = new Metadata();
                h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                stub = io.grpc.ClientInterceptors.intercept(ch, MetadataUtils.newAttachHeadersInterceptor(h));
            }
            stubs.add(stub);
            clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
        }
        Map<String, List<Double>> results = new java.util.LinkedHashMap<>();
        Map<String, List<Double>> cpu = new java.util.LinkedHashMap<>();
        String[] kinds = {"rest-one", "grpc-one", "rest-batch", "grpc-batch"};
        // Warm-up of every path, then the repeats, alternating kinds.
        for (int r = -1; r < repeats; r++) {
            for (String kind : kinds) {
                boolean grpcKind = kind.startsWith("grpc");
                boolean batchKind = kind.endsWith("batch");
                long cpuBefore = cpuNanos(pid);
                AtomicLong calls = new AtomicLong();
                double rps = run(connections, r < 0 ? 3 : seconds, calls, c -> {
                    if (grpcKind) {
                        var stub = stubs.get(c);
                        ModelInferRequest req = batchKind ? batchGrpc : oneGrpc;
                        return () -> io.grpc.stub.ClientCalls.blockingUnaryCall(
                                stub, inferBytes, io.grpc.CallOptions.DEFAULT, req);
                    }
                    HttpClient client = clients.get(c);
                    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http + (batchKind ? "/predict_batch"
                            : "/predict"))).header("Content-Type", "application/json");
                    if (token != null) {
                        b.header("Authorization", "Bearer " + token);
                    }
                    HttpRequest req = b.POST(HttpRequest.BodyPublishers.ofString(batchKind ? batchJson : oneJson)).build();
                    return () -> {
                        HttpResponse<byte[]> res = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
                        if (res.statusCode() != 200) {
                            throw new IllegalStateException("HTTP " + res.statusCode() + ": " + new String(res.body()));
                        }
                    };
                });
                double cpuPerCall = pid == null ? Double.NaN : (cpuNanos(pid) - cpuBefore) / 1e3 / calls.get();
                if (r >= 0) {
                    double perSecond = batchKind ? rps * batch.length : rps;
                    results.computeIfAbsent(kind, k -> new ArrayList<>()).add(perSecond);
                    cpu.computeIfAbsent(kind, k -> new ArrayList<>()).add(cpuPerCall);
                    System.out.printf(Locale.ROOT, "run %d %-10s %,12.0f %s   server CPU %,9.1f us/request%n", r + 1,
                            kind, perSecond, batchKind ? "rows/s" : "req/s", cpuPerCall);
                }
            }
        }
        System.out.println();
        for (String kind : kinds) {
            List<Double> v = results.get(kind);
            List<Double> c = cpu.get(kind);
            System.out.printf(Locale.ROOT, "%-10s median %,10.0f  min %,10.0f  max %,10.0f  %s;  server CPU median %,.1f us"
                    + " (min %,.1f, max %,.1f) per request%n", kind, median(v),
                    v.stream().mapToDouble(d -> d).min().orElse(0), v.stream().mapToDouble(d -> d).max().orElse(0),
                    kind.endsWith("batch") ? "rows/s" : "req/s", median(c),
                    c.stream().mapToDouble(d -> d).min().orElse(0), c.stream().mapToDouble(d -> d).max().orElse(0));
        }
        if (pid != null) {
            System.out.printf(Locale.ROOT, "server CPU per request, REST/gRPC: one row %.2fx, 1000-row batch %.2fx%n",
                    median(cpu.get("rest-one")) / median(cpu.get("grpc-one")),
                    median(cpu.get("rest-batch")) / median(cpu.get("grpc-batch")));
        }
        System.out.printf(Locale.ROOT, "gRPC/REST one row: %.2fx (target >= 1.0); 1000-row batch: %.2fx (target >= 1.5)%n",
                median(results.get("grpc-one")) / median(results.get("rest-one")),
                median(results.get("grpc-batch")) / median(results.get("rest-batch")));
        channels.forEach(ManagedChannel::shutdownNow);
    }

    interface Factory {
        Caller forConnection(int c) throws Exception;
    }

    /** utime + stime of a process from /proc, in nanoseconds (clock ticks of 10 ms). */
    static long cpuNanos(String pid) throws Exception {
        if (pid == null) {
            return 0;
        }
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", pid, "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
    }

    static double run(int connections, int seconds, AtomicLong done, Factory factory) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            Caller caller = factory.forConnection(c);
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    while (System.nanoTime() < end) {
                        caller.call();
                        done.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a call failed", failures.getFirst());
        }
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    static ModelInferRequest typed(String model, double[][] rows) {
        InferTensorContents.Builder c = InferTensorContents.newBuilder();
        for (double[] row : rows) {
            for (double v : row) {
                c.addFp64Contents(v);
            }
        }
        return ModelInferRequest.newBuilder().setModelName(model)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("input-0").setDatatype("FP64")
                        .addShape(rows.length).addShape(rows[0].length).setContents(c)).build();
    }

    static ModelInferRequest raw(String model, double[][] rows) {
        ByteBuffer b = ByteBuffer.allocate(rows.length * rows[0].length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double[] row : rows) {
            for (double v : row) {
                b.putDouble(v);
            }
        }
        return ModelInferRequest.newBuilder().setModelName(model)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("input-0").setDatatype("FP64")
                        .addShape(rows.length).addShape(rows[0].length))
                .addRawInputContents(ByteString.copyFrom(b.array())).build();
    }

    static String json(double[] row) {
        StringBuilder sb = new StringBuilder("[");
        for (int j = 0; j < row.length; j++) {
            sb.append(j == 0 ? "" : ",").append(row[j]);
        }
        return sb.append("]").toString();
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }
}
