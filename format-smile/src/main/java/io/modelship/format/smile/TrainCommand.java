package io.modelship.format.smile;

import io.modelship.runtime.cli.ContributedCommand;
import io.modelship.runtime.format.Task;
import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.training.LabeledTable;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code train}: fits a classifier or regressor on a CSV and writes a verified model package. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train a classifier on a CSV with a header and write a model package.")
public final class TrainCommand implements ContributedCommand {

  @Option(
      names = "--data",
      required = true,
      description = "Training CSV (numeric features, one label column).")
  Path data;

  @Option(names = "--target", required = true, description = "Label column.")
  String target;

  @Option(names = "--name", required = true, description = "Model name.")
  String name;

  @Option(names = "--version", required = true, description = "Model version.")
  String version;

  @Option(
      names = "--out",
      required = true,
      description = "Package folder, or a .tar.gz / .zip file.")
  Path out;

  @Option(
      names = "--algorithm",
      defaultValue = "random-forest",
      description =
          "random-forest (default), gradient-boosting, logistic-regression, decision-tree.")
  String algorithm;

  @Option(
      names = "--trees",
      defaultValue = "100",
      description = "Trees for ensembles (default 100).")
  int trees;

  @Option(
      names = "--max-depth",
      defaultValue = "10",
      description = "Maximum tree depth (default 10).")
  int maxDepth;

  @Option(
      names = "--test",
      description = "Held-out CSV to measure accuracy on (default: 20% holdout split).")
  Path test;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Random seed for the split and the model.")
  long seed;

  @Option(
      names = "--task",
      defaultValue = "classification",
      description = "classification (default) or regression (a random forest on a numeric target).")
  String task;

  @Override
  public Integer call() {
    LabeledTable table = LabeledTable.read(data, target, null);
    LabeledTable testTable =
        test == null ? null : LabeledTable.read(test, target, table.featureNames());
    Trainer.Result result =
        new Trainer()
            .train(
                new Trainer.Request(
                    table,
                    testTable,
                    name,
                    version,
                    Algorithm.parse(algorithm),
                    trees,
                    maxDepth,
                    seed,
                    Task.of(task)));
    ModelManifest manifest = SmileFormat.writePackage(result, out);
    ModelManifest.TrainingMetrics m = manifest.metrics();
    if (manifest.regression()) {
      System.out.printf(
          Locale.ROOT,
          "trained %s %s (%s regression) on %d rows, %d features%n",
          name,
          version,
          manifest.algorithm(),
          m.trainRows(),
          manifest.featureCount());
      System.out.printf(
          Locale.ROOT,
          "holdout MAE %.4f, RMSE %.4f (%d rows, %s)%n",
          m.mae(),
          m.rmse(),
          m.testRows(),
          m.holdout());
      System.out.println(
          "wrote " + out + " (artifact sha256 " + manifest.artifact().sha256() + ")");
      return 0;
    }
    System.out.printf(
        Locale.ROOT,
        "trained %s %s (%s) on %d rows, %d features, %d classes%n",
        name,
        version,
        manifest.algorithm(),
        m.trainRows(),
        manifest.featureCount(),
        manifest.labels().size());
    System.out.printf(
        Locale.ROOT,
        "holdout accuracy: %.4f (%d rows, %s)%n",
        m.holdoutAccuracy(),
        m.testRows(),
        m.holdout());
    if (m.f1() != null) {
      System.out.printf(Locale.ROOT, "holdout F1 (%s): %.4f%n", manifest.labels().get(1), m.f1());
    }
    System.out.println("wrote " + out + " (artifact sha256 " + manifest.artifact().sha256() + ")");
    return 0;
  }
}
