package io.modelship.format.smile;

import io.modelship.runtime.format.LoadedModel;
import io.modelship.runtime.format.ModelFormat;
import io.modelship.runtime.format.ModelPackageException;
import io.modelship.runtime.format.ModelSpec;
import io.modelship.runtime.format.Predictions;
import io.modelship.runtime.format.Task;
import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.training.PackageWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import smile.classification.Classifier;
import smile.classification.DataFrameClassifier;
import smile.classification.LogisticRegression;
import smile.data.type.StructField;

/**
 * The {@code smile} format: {@code model.bin}, a Java-serialised Smile model read behind an
 * allow-list ({@link ArtifactCodec}). Random forests and decision trees of numeric splits are
 * served by {@link CompiledForest}; other classifiers and the regression forest by Smile itself.
 */
public final class SmileFormat implements ModelFormat {

  public static final String NAME = "smile";
  public static final String ARTIFACT_FILE = "model.bin";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String artifactFile() {
    return ARTIFACT_FILE;
  }

  /**
   * Writes a trained model and its manifest as a package (folder, {@code .tar.gz} or {@code .zip}).
   */
  public static ModelManifest writePackage(Trainer.Result result, Path out) {
    return new PackageWriter()
        .write(
            result.manifest(),
            ARTIFACT_FILE,
            file -> ArtifactCodec.write(result.model(), file),
            out);
  }

  @Override
  public LoadedModel load(Path artifact, ModelSpec spec) {
    Object model = ArtifactCodec.read(artifact);
    if (spec.task() == Task.REGRESSION) {
      SmileRegressor regressor = SmileRegressor.of(model, spec.featureNames());
      checkFeatureNames(regressor.featureNames(spec.target()), spec);
      String what =
          model.getClass().getSimpleName() + ": double[N," + spec.featureCount() + "] -> value[N]";
      return new LoadedModel() {
        @Override
        public String describe() {
          return what;
        }

        @Override
        public Predictions predict(double[][] rows) {
          return Predictions.values(regressor.predictAll(rows));
        }
      };
    }
    checkClassifier(model, spec);
    Predictor predictor =
        CompiledForest.compile(model, spec.labels().size())
            .<Predictor>map(p -> p)
            .orElseGet(() -> SmilePredictor.of(model, spec.featureNames()));
    int classes = spec.labels().size();
    String what =
        model.getClass().getSimpleName()
            + (predictor instanceof CompiledForest ? " (compiled)" : "")
            + ": double[N,"
            + spec.featureCount()
            + "] -> class[N], probabilities[N,"
            + classes
            + "]";
    return new LoadedModel() {
      @Override
      public String describe() {
        return what;
      }

      @Override
      public Predictions predict(double[][] rows) {
        double[][] p = new double[rows.length][classes];
        if (predictor instanceof CompiledForest forest && rows.length > 1) {
          return Predictions.classes(forest.predictBatch(rows, p), p);
        }
        int[] k = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
          k[i] = predictor.predict(rows[i], p[i]);
        }
        return Predictions.classes(k, p);
      }
    };
  }

  private static void checkClassifier(Object model, ModelSpec spec) {
    if (model instanceof Classifier<?> classifier
        && classifier.numClasses() != spec.labels().size()) {
      throw new ModelPackageException(
          "model predicts "
              + classifier.numClasses()
              + " classes but model.json"
              + " lists "
              + spec.labels().size()
              + " labels");
    }
    int expected = spec.featureCount();
    int actual =
        switch (model) {
          case DataFrameClassifier frame ->
              predictorNames(frame.schema().fields(), spec.target()).size();
          case LogisticRegression.Binomial binomial -> binomial.coefficients().length - 1;
          case LogisticRegression.Multinomial multinomial ->
              multinomial.coefficients()[0].length - 1;
          default -> expected;
        };
    if (actual != expected) {
      throw new ModelPackageException(
          "model was trained on " + actual + " features but model.json lists " + expected);
    }
    if (model instanceof DataFrameClassifier frame) {
      checkFeatureNames(List.copyOf(predictorNames(frame.schema().fields(), spec.target())), spec);
    }
  }

  private static void checkFeatureNames(List<String> known, ModelSpec spec) {
    if (known.size() != spec.featureCount()) {
      throw new ModelPackageException(
          "model was trained on "
              + known.size()
              + " features but model.json lists "
              + spec.featureCount());
    }
    List<String> missing =
        spec.featureNames().stream().filter(name -> !known.contains(name)).toList();
    if (!missing.isEmpty()) {
      throw new ModelPackageException(
          "model.json lists features the model does not know: " + missing);
    }
  }

  private static Set<String> predictorNames(List<StructField> fields, String target) {
    return fields.stream()
        .map(StructField::name)
        .filter(name -> !name.equals(target))
        .collect(Collectors.toSet());
  }
}
