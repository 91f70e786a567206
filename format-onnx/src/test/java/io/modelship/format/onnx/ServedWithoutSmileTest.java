package io.modelship.format.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelship.runtime.cli.Main;
import io.modelship.runtime.http.JsonIo;
import io.modelship.runtime.http.ServingApp;
import io.modelship.runtime.server.ServeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Apache-2.0 bundle's class path — runtime core plus the ONNX format, no Smile (this module
 * does not depend on it) — packages and serves an ONNX model, and has no Smile commands.
 */
class ServedWithoutSmileTest {

  @TempDir Path tmp;

  @Test
  void onnxIsPackagedAndServedWithoutSmile() throws Exception {
    assertThat(Main.commandLine().getSubcommands())
        .containsKey("package")
        .doesNotContainKey("train");
    Path pkg = tmp.resolve("iris-onnx.zip");
    assertThat(
            Main.commandLine()
                .execute(
                    "package",
                    "--artifact",
                    OnnxExamples.IRIS_FOREST.artifact().toString(),
                    "--data",
                    OnnxExamples.IRIS_FOREST.csv().toString(),
                    "--target",
                    "species",
                    "--name",
                    "iris-onnx",
                    "--version",
                    "1.0.0",
                    "--out",
                    pkg.toString()))
        .isZero();
    try (ServingApp app =
        new ServingApp(
                ServeConfig.fromEnvironment(
                        Map.of(
                            "MODEL_URI",
                            pkg.toString(),
                            "HOST",
                            "127.0.0.1",
                            "PORT",
                            "0",
                            "MODEL_WORK_DIR",
                            tmp.resolve("work").toString(),
                            "DRAIN_TIMEOUT_SECONDS",
                            "1"))
                    .validate())
            .startReady()) {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/predict"))
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"features\": [6.7, 3.0, 5.2, 2.3]}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode answer = JsonIo.MAPPER.readTree(r.body());
      assertThat(answer.path("prediction").asText()).isEqualTo("virginica");
      double sum = 0;
      for (JsonNode p : answer.path("probabilities")) {
        sum += p.asDouble();
      }
      assertThat(sum).isCloseTo(1.0, within(1e-5));
    }
  }
}
