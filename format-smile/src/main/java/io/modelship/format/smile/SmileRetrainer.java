package io.modelship.format.smile;

import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.retraining.RetrainException;
import io.modelship.runtime.retraining.Retrainer;
import io.modelship.runtime.training.LabeledTable;
import java.nio.file.Path;
import java.util.Map;

/**
 * Retrains a Smile package: the algorithm, trees, depth and seed its {@code model.json} records
 * (what {@code train} wrote), fitted by the same {@link Trainer} and written by the same writer, so
 * the candidate differs from the serving model only in the rows it learnt from.
 */
public final class SmileRetrainer implements Retrainer {

  /** What {@code train} defaults to, for a hyper-parameter a manifest does not record. */
  static final int DEFAULT_TREES = 100;

  static final int DEFAULT_MAX_DEPTH = 10;
  static final long DEFAULT_SEED = 42;

  @Override
  public String format() {
    return SmileFormat.NAME;
  }

  @Override
  public ModelManifest retrain(
      ModelManifest serving,
      LabeledTable train,
      LabeledTable heldOut,
      String holdout,
      String version,
      Path out) {
    Algorithm algorithm;
    try {
      algorithm = Algorithm.parse(serving.algorithm());
    } catch (IllegalArgumentException e) {
      throw new RetrainException("the serving package's algorithm: " + e.getMessage(), e);
    }
    Map<String, Object> h =
        serving.hyperparameters() == null ? Map.of() : serving.hyperparameters();
    Trainer.Result result =
        new Trainer()
            .train(
                new Trainer.Request(
                    train,
                    heldOut,
                    serving.name(),
                    version,
                    algorithm,
                    (int) number(h, "trees", DEFAULT_TREES),
                    (int) number(h, "maxDepth", DEFAULT_MAX_DEPTH),
                    number(h, "seed", DEFAULT_SEED),
                    serving.taskOrDefault()));
    return SmileFormat.writePackage(
        new Trainer.Result(result.model(), withHoldout(result.manifest(), holdout)), out);
  }

  private static long number(Map<String, Object> h, String name, long fallback) {
    Object value = h.get(name);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Number n) {
      return n.longValue();
    }
    throw new RetrainException(
        "the serving package's model.json has hyperparameters."
            + name
            + " = '"
            + value
            + "', not a number");
  }

  private static ModelManifest withHoldout(ModelManifest m, String holdout) {
    ModelManifest.TrainingMetrics t = m.metrics();
    return new ModelManifest(
        m.name(),
        m.version(),
        m.format(),
        m.task(),
        m.algorithm(),
        m.artifact(),
        m.target(),
        m.features(),
        m.labels(),
        m.hyperparameters(),
        new ModelManifest.TrainingMetrics(
            t.holdoutAccuracy(),
            t.f1(),
            t.mae(),
            t.rmse(),
            t.trainRows(),
            t.testRows(),
            holdout,
            t.featureImportance()),
        m.reference(),
        m.createdAt());
  }
}
