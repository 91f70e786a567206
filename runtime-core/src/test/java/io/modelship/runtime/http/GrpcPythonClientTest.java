package io.modelship.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelship.runtime.grpc.GrpcServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A client nobody here wrote: Python's grpcio with stubs generated at test time from our .proto by
 * grpc_tools (Debian's python3-grpcio and python3-grpc-tools, which {@code .ci/run} installs).
 * Skipped off CI when they are missing; on CI ({@code CI} set) their absence fails the test.
 */
class GrpcPythonClientTest extends ServingAppTest {

  private static final Path PROTO =
      Path.of("..", "runtime-core", "src", "main", "protobuf").toAbsolutePath().normalize();

  @Test
  void pythonsGrpcioTalksToTheServer() throws Exception {
    String python =
        Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    boolean available =
        run(List.of(python, "-c", "import grpc, grpc_tools.protoc"), 60).exit() == 0;
    if (!available) {
      assertThat(System.getenv("CI"))
          .as("python3-grpcio and python3-grpc-tools are needed on CI (.ci/run)")
          .isNull();
      Assumptions.abort("python3-grpcio / python3-grpc-tools not installed");
    }
    ServingApp secured = start(Map.of("AUTH_TOKEN", "py-s3cret", "SHUTDOWN_DELAY_SECONDS", "0"));
    GrpcServer server = GrpcServer.start(secured, "127.0.0.1", 0);
    try {
      Path script = Path.of(getClass().getResource("/grpc/oip_client.py").toURI());
      Run run =
          run(
              List.of(
                  python,
                  script.toString(),
                  PROTO.toString(),
                  "127.0.0.1:" + server.port(),
                  "py-s3cret"),
              120);
      assertThat(run.exit()).as(run.output()).isZero();
      String last = run.output().lines().reduce((a, b) -> b).orElse("");
      JsonNode seen = new ObjectMapper().readTree(last);
      assertThat(seen.path("live").asBoolean()).isTrue();
      assertThat(seen.path("ready").asBoolean()).isTrue();
      assertThat(seen.path("metadata").path("name").asText()).isEqualTo("iris");
      assertThat(seen.path("metadata").path("inputs").toString())
          .isEqualTo("[[\"input-0\",\"FP64\",[-1,4]]]");
      assertThat(seen.path("metadata").path("outputs").toString())
          .isEqualTo("[[\"label\",\"BYTES\",[-1]],[\"probabilities\",\"FP64\",[-1,3]]]");
      assertThat(seen.path("typed").path("id").asText()).isEqualTo("py-1");
      assertThat(seen.path("typed").path("labels").toString())
          .isEqualTo("[\"setosa\",\"virginica\"]");
      assertThat(seen.path("typed").path("shape").toString()).isEqualTo("[2,3]");
      assertThat(seen.path("raw").path("labels").toString())
          .isEqualTo("[\"setosa\",\"virginica\"]");
      for (int i = 0; i < 6; i++) {
        assertThat(seen.path("raw").path("probabilities").get(i).asDouble())
            .isCloseTo(seen.path("typed").path("probabilities").get(i).asDouble(), within(1e-6));
      }
      assertThat(seen.path("no_token").path("code").asText()).isEqualTo("UNAUTHENTICATED");
      assertThat(seen.path("no_token").path("details").asText()).contains("missing bearer token");
      assertThat(seen.path("wrong_width").path("code").asText()).isEqualTo("INVALID_ARGUMENT");
      assertThat(seen.path("wrong_width").path("details").asText())
          .contains("has shape [1, 3] but the model takes [rows, 4]");
    } finally {
      secured.close();
    }
  }

  private record Run(int exit, String output) {}

  private static Run run(List<String> command, int seconds)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("python-grpc", ".log");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Run(-1, "timed out: " + Files.readString(log, StandardCharsets.UTF_8));
      }
      return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
