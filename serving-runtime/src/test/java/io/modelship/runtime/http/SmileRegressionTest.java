package io.modelship.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modelship.runtime.TestModels;
import io.modelship.runtime.cli.Main;
import io.modelship.runtime.format.Task;
import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.model.ModelPackage;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --task regression}: a Smile random-forest regressor, served and monitored. */
class SmileRegressionTest extends ServingAppTest {

  @TempDir Path tmp;

  @Test
  void aTrainedForestRegressorServesNumbersAndScoresFeedbackAsAnError() {
    Path pkg = tmp.resolve("diabetes-1.0.0.tar.gz");
    assertThat(
            Main.commandLine()
                .execute(
                    "train",
                    "--data",
                    TestModels.locate("examples/onnx/diabetes.csv").toString(),
                    "--target",
                    "progression",
                    "--name",
                    "diabetes",
                    "--version",
                    "1.0.0",
                    "--out",
                    pkg.toString(),
                    "--task",
                    "regression",
                    "--trees",
                    "30"))
        .isZero();
    ModelManifest manifest =
        ModelPackage.load(
                pkg.toString(),
                null,
                ModelPackage.LoadOptions.of(tmp, tmp.resolve("work"), 10_000_000))
            .manifest();
    assertThat(manifest.task()).isEqualTo(Task.REGRESSION);
    assertThat(manifest.metrics().mae()).isBetween(20.0, 80.0);
    assertThat(manifest.reference().predictionBins().fractions()).hasSize(10);

    ServingApp app =
        start(
            Map.of("MODEL_URI", pkg.toString(), "MODEL_WORK_DIR", tmp.resolve("serve").toString()));
    try {
      String row = "[0.038, 0.050, 0.061, 0.021, -0.044, -0.034, -0.043, -0.002, 0.019, -0.017]";
      Reply one = post(app, "/predict", "{\"features\": " + row + "}", "application/json");
      assertThat(one.status()).as(one.body()).isEqualTo(200);
      assertThat(one.json().path("prediction").isNumber()).isTrue();
      assertThat(one.json().path("prediction").asDouble()).isBetween(25.0, 346.0);
      assertThat(one.json().has("probabilities")).isFalse();

      Reply v2 =
          post(
              app,
              "/v2/models/diabetes/infer",
              "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 10],"
                  + " \"datatype\": \"FP64\", \"data\": "
                  + row
                  + "}]}",
              "application/json");
      assertThat(v2.json().path("outputs").get(0).path("datatype").asText()).isEqualTo("FP64");
      assertThat(v2.json().path("outputs").get(0).path("data").get(0).asDouble())
          .isEqualTo(one.json().path("prediction").asDouble());

      double predicted = one.json().path("prediction").asDouble();
      Reply feedback =
          post(
              app,
              "/feedback",
              "{\"request_id\": \""
                  + one.json().path("request_id").asText()
                  + "\", \"value\": "
                  + (predicted + 10)
                  + "}",
              "application/json");
      assertThat(feedback.json().path("error").asDouble()).isCloseTo(-10, within(1e-9));
      assertThat(feedback.json().path("errors").path("mae").asDouble()).isCloseTo(10, within(1e-9));
      // One feedback is no verdict, however far off: InsufficientData until ACCURACY_MIN_SAMPLES.
      assertThat(feedback.json().path("errors").path("status").asText())
          .isEqualTo("InsufficientData");
      assertThat(feedback.json().path("errors").path("alert").asBoolean()).isFalse();
      assertError(
          post(
              app,
              "/feedback",
              "{\"request_id\": \""
                  + one.json().path("request_id").asText()
                  + "\", \"value\": \"ten\"}",
              "application/json"),
          400,
          "'value'",
          "finite number");
      assertThat(get(app, "/metrics").body()).contains("modelship_error_mae");
      // What the pod reports for the operator: cumulative sums, which add up across pods.
      var report = io.modelship.runtime.report.RuntimeReportSnapshot.of(app.runtime());
      assertThat(report.getErrorFeedbackCount()).isEqualTo(1);
      assertThat(report.getAbsoluteErrorSum()).isCloseTo(10, within(1e-9));
      assertThat(report.getSquaredErrorSum()).isCloseTo(100, within(1e-7));
      assertThat(report.getErrorBaselineMae()).isEqualTo(manifest.metrics().mae());
      assertThat(report.getAccuracyLabelled()).as("a regressor has no accuracy").isNull();
    } finally {
      app.close();
    }
  }
}
