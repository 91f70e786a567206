package io.modelship.runtime.cli;

import io.modelship.runtime.format.ModelFormat;
import io.modelship.runtime.format.ModelFormats;
import io.modelship.runtime.format.Task;
import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.training.ArtifactPackager;
import io.modelship.runtime.training.LabeledTable;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code package}: wraps a model trained elsewhere (e.g. exported to ONNX) into a verified package.
 */
@Command(
    name = "package",
    mixinStandardHelpOptions = true,
    description =
        "Wrap a model trained elsewhere (MODEL.onnx) into a model package, with reference"
            + " distributions and the baseline accuracy (or error) measured on a CSV.")
public final class PackageCommand implements Callable<Integer> {

  @Option(names = "--artifact", required = true, description = "The model file, e.g. model.onnx.")
  Path artifact;

  @Option(
      names = "--data",
      required = true,
      description =
          "Training or validation CSV: header = feature names in the model's input order, plus the target.")
  Path data;

  @Option(names = "--target", required = true, description = "The CSV's target column.")
  String target;

  @Option(names = "--name", required = true, description = "Model name.")
  String name;

  @Option(names = "--version", required = true, description = "Model version.")
  String version;

  @Option(
      names = "--out",
      required = true,
      description = "Package folder, or FILE.tar.gz / FILE.zip.")
  Path out;

  @Option(
      names = "--task",
      defaultValue = "classification",
      description = "classification (default) or regression.")
  String task;

  @Option(
      names = "--format",
      description =
          "Artifact format (default: from the file extension; installed: ${COMPLETION-CANDIDATES}).")
  String format;

  @Option(
      names = "--algorithm",
      description = "What the model is, for people reading the manifest (default: the format).")
  String algorithm;

  @Override
  public Integer call() {
    ModelFormat modelFormat =
        format != null
            ? ModelFormats.named(format)
            : ModelFormats.forArtifact(artifact.getFileName().toString())
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "cannot tell the format of "
                                + artifact.getFileName()
                                + " from its name; pass --format (installed: "
                                + ModelFormats.names()
                                + ")"));
    Task modelTask = Task.of(task);
    LabeledTable table = LabeledTable.read(data, target, null);
    ModelManifest manifest =
        new ArtifactPackager()
            .write(
                new ArtifactPackager.Request(
                    artifact,
                    modelFormat,
                    table,
                    modelTask,
                    name,
                    version,
                    algorithm != null ? algorithm : modelFormat.name()),
                out);
    ModelManifest.TrainingMetrics m = manifest.metrics();
    System.out.printf(
        Locale.ROOT,
        "packaged %s %s (%s %s, %d features) checked on %d rows of %s%n",
        name,
        version,
        manifest.format(),
        modelTask,
        manifest.featureCount(),
        m.testRows(),
        data.getFileName());
    if (manifest.regression()) {
      System.out.printf(Locale.ROOT, "baseline MAE %.4f, RMSE %.4f%n", m.mae(), m.rmse());
    } else {
      System.out.printf(
          Locale.ROOT,
          "labels %s; baseline accuracy %.4f%n",
          manifest.labels(),
          m.holdoutAccuracy());
    }
    if (manifest.artifact().checks() != null) {
      // What the format verified or decided about the artifact, recorded in model.json.
      manifest
          .artifact()
          .checks()
          .forEach((key, value) -> System.out.println("recorded " + key + ": " + value));
    }
    System.out.println("wrote " + out + " (artifact sha256 " + manifest.artifact().sha256() + ")");
    return 0;
  }
}
