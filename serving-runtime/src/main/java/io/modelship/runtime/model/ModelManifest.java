package io.modelship.runtime.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
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
        String task,
        String algorithm,
        Artifact artifact,
        String target,
        List<Feature> features,
        List<String> labels,
        Map<String, Object> hyperparameters,
        TrainingMetrics metrics,
        Reference reference,
        String createdAt) {

    /** The only artifact format this runtime loads: a Java-serialised Smile classifier. */
    public static final String FORMAT_SMILE = "smile";
    public static final String TASK_CLASSIFICATION = "classification";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Artifact(String file, String sha256) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Feature(String name, String type, Double min, Double max) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TrainingMetrics(
            Double holdoutAccuracy, Double f1, Integer trainRows, Integer testRows, String holdout) {}

    /** Binned distributions of the training data: per feature, and of the predicted classes. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reference(Map<String, Bins> features, Map<String, Double> predictions) {}

    /** Inner cut points (ascending) and the fraction of training rows in each of the bins they make. */
    public record Bins(double[] edges, double[] fractions) {}

    public int featureCount() {
        return features.size();
    }

    /** The manifest as shown to clients: everything but the (large) reference distributions. */
    public ModelManifest withoutReference() {
        return new ModelManifest(name, version, format, task, algorithm, artifact, target, features, labels,
                hyperparameters, metrics, null, createdAt);
    }

    /** Checks what the loader relies on; throws naming the first problem found. */
    public ModelManifest validate() {
        require(name != null && !name.isBlank(), "model.json: 'name' is missing");
        require(version != null && !version.isBlank(), "model.json: 'version' is missing");
        require(format != null, "model.json: 'format' is missing");
        require(FORMAT_SMILE.equals(format),
                "model.json: unknown format '" + format + "' (this runtime loads '" + FORMAT_SMILE + "')");
        require(task == null || TASK_CLASSIFICATION.equals(task),
                "model.json: unsupported task '" + task + "' (this runtime serves '" + TASK_CLASSIFICATION + "')");
        require(artifact != null && artifact.file() != null && !artifact.file().isBlank(),
                "model.json: 'artifact.file' is missing");
        require(artifact.sha256() != null && artifact.sha256().matches("[0-9a-f]{64}"),
                "model.json: 'artifact.sha256' must be 64 lowercase hex characters");
        require(features != null && !features.isEmpty(), "model.json: 'features' is missing or empty");
        for (int i = 0; i < features.size(); i++) {
            Feature f = features.get(i);
            require(f != null && f.name() != null && !f.name().isBlank(),
                    "model.json: feature " + i + " has no name");
        }
        require(features.stream().map(Feature::name).distinct().count() == features.size(),
                "model.json: feature names are not unique");
        require(labels != null && labels.size() >= 2, "model.json: 'labels' must list at least two classes");
        if (reference != null && reference.features() != null) {
            for (Feature f : features) {
                Bins bins = reference.features().get(f.name());
                require(bins == null || (bins.fractions() != null && bins.edges() != null
                                && bins.fractions().length == bins.edges().length + 1),
                        "model.json: reference bins of feature '" + f.name() + "' are inconsistent");
            }
        }
        return this;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new ModelPackageException(message);
        }
    }
}
