package io.modelship.runtime.training;

import io.modelship.runtime.format.LoadedModel;
import io.modelship.runtime.format.ModelFormat;
import io.modelship.runtime.format.ModelPackageException;
import io.modelship.runtime.format.ModelSpec;
import io.modelship.runtime.format.Predictions;
import io.modelship.runtime.format.Task;
import io.modelship.runtime.model.ModelManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Wraps a model trained elsewhere (an ONNX export of scikit-learn, XGBoost, LightGBM, PyTorch…)
 * into a package: it runs the model over a CSV of its training or validation data to record the
 * reference distributions and the baseline accuracy or error, after checking the model agrees with
 * the CSV (feature count, labels).
 */
public final class ArtifactPackager {

  /** What to wrap. {@code data}'s header gives the feature names in the model's input order. */
  public record Request(
      Path artifact,
      ModelFormat format,
      LabeledTable data,
      Task task,
      String name,
      String version,
      String algorithm) {}

  public ModelManifest write(Request request, Path out) {
    if (!Files.isRegularFile(request.artifact())) {
      throw new IllegalArgumentException("artifact not found: " + request.artifact());
    }
    ModelManifest manifest = describe(request);
    return new PackageWriter()
        .write(
            manifest,
            request.format().artifactFile(),
            file -> Files.copy(request.artifact(), file),
            out);
  }

  /**
   * The manifest of the wrapped model. Its artifact entry holds only what the load verified ({@link
   * LoadedModel#checks()}); the writer fills in the file and its sha256.
   */
  public ModelManifest describe(Request request) {
    LabeledTable table = request.data();
    boolean regression = request.task() == Task.REGRESSION;
    List<String> labels = regression ? List.of() : table.distinctLabels();
    if (!regression && labels.size() < 2) {
      throw new IllegalArgumentException(
          "the target column '"
              + table.target()
              + "' holds only "
              + labels
              + "; a classifier's package needs data with at least two classes");
    }
    double[] targets = regression ? table.numericTargets() : null;
    ModelSpec spec = new ModelSpec(table.featureNames(), request.task(), labels, table.target());
    Predictions predictions;
    Map<String, String> checks;
    Map<String, Double> importance;
    try (LoadedModel model = request.format().load(request.artifact(), spec)) {
      predictions = model.predict(table.rows());
      checks = model.checks();
      // Measured on the same rows as the baseline accuracy or error, through the loaded model:
      // any format has it, whatever importance its own library could (or could not) report.
      var permutation = PermutationImportance.standard();
      importance =
          regression
              ? permutation.regression(
                  table.featureNames(), table.rows(), targets, rows -> model.predict(rows).values())
              : permutation.classification(
                  table.featureNames(),
                  table.rows(),
                  table.encode(labels),
                  rows -> model.predict(rows).classIndex());
    }
    String holdout = "package data " + request.data().size() + " rows";
    ModelManifest.TrainingMetrics metrics;
    ModelManifest.Reference reference;
    if (regression) {
      double[] values = predictions.values();
      metrics =
          ModelManifest.TrainingMetrics.regression(
              ReferenceProfile.mae(targets, values),
              ReferenceProfile.rmse(targets, values),
              0,
              table.size(),
              holdout);
      reference = ReferenceProfile.regression(table, values);
    } else {
      checkLabelsAgree(predictions, labels);
      int[] truth = table.encode(labels);
      int[] predicted = predictions.classIndex();
      metrics =
          ModelManifest.TrainingMetrics.classification(
              ReferenceProfile.accuracy(truth, predicted),
              labels.size() == 2 ? ReferenceProfile.f1(truth, predicted) : null,
              0,
              table.size(),
              holdout);
      reference = ReferenceProfile.classification(table, predicted, labels);
    }
    return new ModelManifest(
        request.name(),
        request.version(),
        request.format().name(),
        request.task(),
        request.algorithm(),
        checks.isEmpty() ? null : new ModelManifest.Artifact(null, null, checks),
        table.target(),
        ReferenceProfile.features(table),
        regression ? null : labels,
        Map.of(),
        metrics.withFeatureImportance(importance),
        reference,
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
  }

  /**
   * A model's label output must name the class of its highest probability: if it does not, the
   * probability columns are in another order than the CSV's labels (sorted as scikit-learn sorts
   * {@code classes_}), and every probability served would be attached to the wrong label.
   */
  private static void checkLabelsAgree(Predictions predictions, List<String> labels) {
    for (int i = 0; i < predictions.size(); i++) {
      double[] p = predictions.probabilities()[i];
      int k = predictions.classIndex()[i];
      int top = 0;
      for (int c = 1; c < p.length; c++) {
        if (p[c] > p[top]) {
          top = c;
        }
      }
      if (p[k] < p[top] - 1e-6) {
        throw new ModelPackageException(
            "labels disagree: on CSV row "
                + (i + 1)
                + " the model's label output"
                + " is '"
                + labels.get(k)
                + "' but its highest probability is in column "
                + top
                + " ('"
                + labels.get(top)
                + "' in the CSV's label order "
                + labels
                + ")");
      }
    }
  }
}
