package io.modelship.local.traffic;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code local/src/test/grpc/GrpcInfer.java}, a grpc-java client of the Open Inference
 * Protocol, in its own JVM against the serving-runtime jar, and returns what it printed.
 */
public final class GrpcInferClient {

  private GrpcInferClient() {}

  public static String call(Path home, String address, String model, double... features)
      throws IOException, InterruptedException {
    Path jar = home.resolve("serving-runtime/target/serving-runtime.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "build " + jar + " first: ./mvnw -B package -pl serving-runtime -am -DskipTests");
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                jar.toString(),
                home.resolve("local/src/test/grpc/GrpcInfer.java").toString(),
                address,
                model));
    for (double f : features) {
      command.add(Double.toString(f));
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("the gRPC client did not finish: " + out);
    }
    return out;
  }
}
