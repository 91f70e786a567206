package io.modelship.format.smile;

import io.modelship.runtime.format.Task;
import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.training.LabeledTable;
import io.modelship.runtime.training.PermutationImportance;
import io.modelship.runtime.training.ReferenceProfile;
import java.io.Serializable;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import smile.classification.DecisionTree;
import smile.classification.GradientTreeBoost;
import smile.classification.LogisticRegression;
import smile.classification.RandomForest;
import smile.data.DataFrame;
import smile.data.formula.Formula;
import smile.data.vector.ValueVector;
import smile.math.MathEx;
import smile.model.cart.SplitRule;

/**
 * Fits a Smile classifier or regressor on a labelled table and describes it as a package manifest.
 */
public final class Trainer {

  static final double HOLDOUT_FRACTION = 0.2;

  /** What to train; {@code test} is null for a holdout split of {@code data}. */
  public record Request(
      LabeledTable data,
      LabeledTable test,
      String name,
      String version,
      Algorithm algorithm,
      int trees,
      int maxDepth,
      long seed,
      Task task) {

    /** A classifier, as before regression existed. */
    public Request(
        LabeledTable data,
        LabeledTable test,
        String name,
        String version,
        Algorithm algorithm,
        int trees,
        int maxDepth,
        long seed) {
      this(data, test, name, version, algorithm, trees, maxDepth, seed, Task.CLASSIFICATION);
    }
  }

  /**
   * A fitted model and the manifest describing it (its artifact checksum is filled in when
   * written).
   */
  public record Result(Serializable model, ModelManifest manifest) {
    public double holdoutAccuracy() {
      return manifest.metrics().holdoutAccuracy();
    }
  }

  public Result train(Request request) {
    if (request.trees() < 1 || request.maxDepth() < 1) {
      throw new IllegalArgumentException("--trees and --max-depth must be at least 1");
    }
    if (request.task() == Task.REGRESSION) {
      return trainRegression(request);
    }
    LabeledTable all = request.data();
    List<String> labels = all.distinctLabels();
    if (labels.size() < 2) {
      throw new IllegalArgumentException(
          "the target column '" + all.target() + "' has only one class: " + labels);
    }
    LabeledTable train;
    LabeledTable test;
    String holdout;
    if (request.test() != null) {
      train = all;
      test = request.test();
      holdout = "test file";
    } else {
      int[][] split = split(all.size(), request.seed());
      train = all.subset(split[0]);
      test = all.subset(split[1]);
      holdout = "20% holdout, seed " + request.seed();
    }
    int[] y = train.encode(labels);
    MathEx.setSeed(request.seed());
    Serializable model = fit(request, train, y);

    SmilePredictor predictor = SmilePredictor.of(model, train.featureNames());
    int[] testY = test.encode(labels);
    int[] testPredicted = predictAll(predictor, test.rows(), labels.size());
    double accuracy = ReferenceProfile.accuracy(testY, testPredicted);
    Double f1 = labels.size() == 2 ? ReferenceProfile.f1(testY, testPredicted) : null;

    ModelManifest manifest =
        new ModelManifest(
            request.name(),
            request.version(),
            SmileFormat.NAME,
            Task.CLASSIFICATION,
            request.algorithm().cliName(),
            null,
            all.target(),
            ReferenceProfile.features(train),
            labels,
            hyperparameters(request),
            ModelManifest.TrainingMetrics.classification(
                    accuracy, f1, train.size(), test.size(), holdout)
                .withFeatureImportance(
                    PermutationImportance.standard()
                        .classification(
                            test.featureNames(),
                            test.rows(),
                            testY,
                            rows -> predictAll(predictor, rows, labels.size()))),
            ReferenceProfile.classification(
                train, predictAll(predictor, train.rows(), labels.size()), labels),
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    return new Result(model, manifest);
  }

  private Result trainRegression(Request request) {
    if (request.algorithm() != Algorithm.RANDOM_FOREST) {
      throw new IllegalArgumentException(
          "--task regression trains a random-forest; --algorithm "
              + request.algorithm().cliName()
              + " is for classification only");
    }
    LabeledTable all = request.data();
    all.numericTargets();
    LabeledTable train;
    LabeledTable test;
    String holdout;
    if (request.test() != null) {
      train = all;
      test = request.test();
      holdout = "test file";
    } else {
      int[][] split = split(all.size(), request.seed());
      train = all.subset(split[0]);
      test = all.subset(split[1]);
      holdout = "20% holdout, seed " + request.seed();
    }
    double[] y = train.numericTargets();
    int p = train.featureNames().size();
    int maxNodes = Math.max(2, Math.min(train.size(), 1 << Math.min(request.maxDepth(), 20)));
    MathEx.setSeed(request.seed());
    long[] seeds = new Random(request.seed()).longs(request.trees()).toArray();
    var options =
        new smile.regression.RandomForest.Options(
            request.trees(), Math.max(1, p / 3), request.maxDepth(), maxNodes, 5, 1.0, seeds, null);
    DataFrame frame =
        DataFrame.of(train.rows(), train.featureNames().toArray(String[]::new))
            .add(ValueVector.of(train.target(), y));
    smile.regression.RandomForest model =
        smile.regression.RandomForest.fit(formula(train), frame, options);
    SmileRegressor regressor = SmileRegressor.of(model, train.featureNames());
    double[] testPredicted = regressor.predictAll(test.rows());
    double[] testY = test.numericTargets();
    ModelManifest manifest =
        new ModelManifest(
            request.name(),
            request.version(),
            SmileFormat.NAME,
            Task.REGRESSION,
            request.algorithm().cliName(),
            null,
            all.target(),
            ReferenceProfile.features(train),
            null,
            hyperparameters(request),
            ModelManifest.TrainingMetrics.regression(
                    ReferenceProfile.mae(testY, testPredicted),
                    ReferenceProfile.rmse(testY, testPredicted),
                    train.size(),
                    test.size(),
                    holdout)
                .withFeatureImportance(
                    PermutationImportance.standard()
                        .regression(
                            test.featureNames(), test.rows(), testY, regressor::predictAll)),
            ReferenceProfile.regression(train, regressor.predictAll(train.rows())),
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    return new Result(model, manifest);
  }

  private static Serializable fit(Request request, LabeledTable train, int[] y) {
    int n = train.size();
    int p = train.featureNames().size();
    int maxNodes = Math.max(2, Math.min(n, 1 << Math.min(request.maxDepth(), 20)));
    return switch (request.algorithm()) {
      case RANDOM_FOREST -> {
        long[] seeds = new Random(request.seed()).longs(request.trees()).toArray();
        var options =
            new RandomForest.Options(
                request.trees(),
                (int) Math.max(1, Math.floor(Math.sqrt(p))),
                SplitRule.GINI,
                request.maxDepth(),
                maxNodes,
                1,
                1.0,
                null,
                seeds,
                null);
        yield RandomForest.fit(formula(train), frame(train, y), options);
      }
      case GRADIENT_BOOSTING -> {
        int depth = Math.min(request.maxDepth(), 6);
        var options =
            new GradientTreeBoost.Options(
                request.trees(), depth, 1 << depth, 5, 0.1, 0.8, null, null);
        yield GradientTreeBoost.fit(formula(train), frame(train, y), options);
      }
      case DECISION_TREE ->
          DecisionTree.fit(
              formula(train),
              frame(train, y),
              new DecisionTree.Options(SplitRule.GINI, request.maxDepth(), maxNodes, 1));
      case LOGISTIC_REGRESSION ->
          LogisticRegression.fit(train.rows(), y, new LogisticRegression.Options(0.01, 1e-5, 1000));
    };
  }

  private static Formula formula(LabeledTable train) {
    return Formula.lhs(train.target());
  }

  private static DataFrame frame(LabeledTable train, int[] y) {
    return DataFrame.of(train.rows(), train.featureNames().toArray(String[]::new))
        .add(ValueVector.of(train.target(), y));
  }

  static int[][] split(int n, long seed) {
    int[] order = IntStream.range(0, n).toArray();
    Random random = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int testSize = Math.max(1, (int) Math.round(n * HOLDOUT_FRACTION));
    if (n - testSize < 2) {
      throw new IllegalArgumentException("need at least 3 rows for a holdout split, got " + n);
    }
    int[] test = Arrays.copyOfRange(order, 0, testSize);
    int[] train = Arrays.copyOfRange(order, testSize, n);
    return new int[][] {train, test};
  }

  static int[] predictAll(SmilePredictor predictor, double[][] rows, int classes) {
    double[] probabilities = new double[classes];
    int[] predicted = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      predicted[i] = predictor.predict(rows[i], probabilities);
    }
    return predicted;
  }

  private static Map<String, Object> hyperparameters(Request request) {
    Map<String, Object> h = new LinkedHashMap<>();
    if (request.algorithm() != Algorithm.LOGISTIC_REGRESSION) {
      h.put("maxDepth", request.maxDepth());
    }
    if (request.algorithm() == Algorithm.RANDOM_FOREST
        || request.algorithm() == Algorithm.GRADIENT_BOOSTING) {
      h.put("trees", request.trees());
    }
    h.put("seed", request.seed());
    return h;
  }
}
