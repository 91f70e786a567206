package io.modelship.runtime.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.modelship.runtime.format.ModelPackageException;
import io.modelship.runtime.format.Task;
import java.util.List;
import java.util.Map;

/**
 * The {@code model.json} of a model package: what the model is, what it expects and what its
 * training data looked like (reference distributions for drift).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelManifest(
    String name,
    String version,
    String format,
    Task task,
    String algorithm,
    Artifact artifact,
    String target,
    List<Feature> features,
    List<String> labels,
    Map<String, Object> hyperparameters,
    TrainingMetrics metrics,
    Reference reference,
    String createdAt) {

  /**
   * The artifact file, its sha256 and what {@code package} verified about it that a load may rely
   * on ({@link io.modelship.runtime.format.LoadedModel#checks()}; absent when nothing was).
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Artifact(String file, String sha256, Map<String, String> checks) {
    public Artifact(String file, String sha256) {
      this(file, sha256, null);
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Feature(String name, String type, Double min, Double max) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TrainingMetrics(
      Double holdoutAccuracy,
      Double f1,
      Double mae,
      Double rmse,
      Integer trainRows,
      Integer testRows,
      String holdout,
      Map<String, Double> featureImportance) {

    /** Without feature importance (packages made before it was measured read as this). */
    public TrainingMetrics(
        Double holdoutAccuracy,
        Double f1,
        Double mae,
        Double rmse,
        Integer trainRows,
        Integer testRows,
        String holdout) {
      this(holdoutAccuracy, f1, mae, rmse, trainRows, testRows, holdout, null);
    }

    /**
     * The same metrics with permutation importance per feature: how much the holdout accuracy falls
     * (a regressor: how much its MAE grows) when that feature's column is shuffled.
     */
    public TrainingMetrics withFeatureImportance(Map<String, Double> importance) {
      return new TrainingMetrics(
          holdoutAccuracy, f1, mae, rmse, trainRows, testRows, holdout, importance);
    }

    public static TrainingMetrics classification(
        double accuracy, Double f1, int trainRows, int testRows, String holdout) {
      return new TrainingMetrics(accuracy, f1, null, null, trainRows, testRows, holdout);
    }

    public static TrainingMetrics regression(
        double mae, double rmse, int trainRows, int testRows, String holdout) {
      return new TrainingMetrics(null, null, mae, rmse, trainRows, testRows, holdout);
    }
  }

  /**
   * Binned distributions of the training data: per feature, and of the predictions — the fraction
   * of each class for a classifier, quantile bins of the predicted values for a regressor.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Reference(
      Map<String, Bins> features, Map<String, Double> predictions, Bins predictionBins) {}

  /**
   * Inner cut points (ascending) and the fraction of training rows in each of the bins they make.
   */
  public record Bins(double[] edges, double[] fractions) {}

  public Task taskOrDefault() {
    return task == null ? Task.CLASSIFICATION : task;
  }

  public boolean regression() {
    return taskOrDefault() == Task.REGRESSION;
  }

  public List<String> featureNames() {
    return features.stream().map(Feature::name).toList();
  }

  public int featureCount() {
    return features.size();
  }

  /** The manifest as shown to clients: everything but the (large) reference distributions. */
  public ModelManifest withoutReference() {
    return new ModelManifest(
        name,
        version,
        format,
        task,
        algorithm,
        artifact,
        target,
        features,
        labels,
        hyperparameters,
        metrics,
        null,
        createdAt);
  }

  /** Checks what the loader relies on; throws naming the first problem found. */
  public ModelManifest validate() {
    require(name != null && !name.isBlank(), "model.json: 'name' is missing");
    require(version != null && !version.isBlank(), "model.json: 'version' is missing");
    require(format != null, "model.json: 'format' is missing");
    require(
        artifact != null && artifact.file() != null && !artifact.file().isBlank(),
        "model.json: 'artifact.file' is missing");
    require(
        artifact.sha256() != null && artifact.sha256().matches("[0-9a-f]{64}"),
        "model.json: 'artifact.sha256' must be 64 lowercase hex characters");
    require(features != null && !features.isEmpty(), "model.json: 'features' is missing or empty");
    for (int i = 0; i < features.size(); i++) {
      Feature f = features.get(i);
      require(
          f != null && f.name() != null && !f.name().isBlank(),
          "model.json: feature " + i + " has no name");
    }
    require(
        features.stream().map(Feature::name).distinct().count() == features.size(),
        "model.json: feature names are not unique");
    if (regression()) {
      require(labels == null || labels.isEmpty(), "model.json: a regression model has no 'labels'");
    } else {
      require(
          labels != null && labels.size() >= 2,
          "model.json: 'labels' must list at least two classes");
      require(
          labels.stream().distinct().count() == labels.size(), "model.json: labels are not unique");
    }
    if (reference != null && reference.features() != null) {
      for (Feature f : features) {
        Bins bins = reference.features().get(f.name());
        require(
            bins == null
                || (bins.fractions() != null
                    && bins.edges() != null
                    && bins.fractions().length == bins.edges().length + 1),
            "model.json: reference bins of feature '" + f.name() + "' are inconsistent");
      }
      Bins p = reference.predictionBins();
      require(
          p == null
              || (p.fractions() != null
                  && p.edges() != null
                  && p.fractions().length == p.edges().length + 1),
          "model.json: reference bins of the predictions are inconsistent");
    }
    return this;
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new ModelPackageException(message);
    }
  }
}
