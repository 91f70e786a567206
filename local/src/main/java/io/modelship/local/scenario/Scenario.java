package io.modelship.local.scenario;

import java.util.Locale;

/**
 * The rollouts local mode can show. Each starts from version 1.0.0 of the iris example and changes
 * it to {@code newVersion}, as a user editing the manifest would.
 */
public enum Scenario {
  /** 10% → pause → 50% → pause → 100% through the Gateway API, analysis on; ends Promoted. */
  CANARY("iris-canary.yaml", "2.0.0"),
  /** The new version behind iris-preview, switched once ready; ends Promoted. */
  BLUEGREEN("iris-bluegreen.yaml", "2.0.0"),
  /** A canary of a model trained on mixed-up labels; the analysis rolls it back. */
  ROLLBACK("iris-canary.yaml", "2.1.0"),
  /**
   * The default strategy: the new version next to the old, the old retired once all new pods are
   * ready.
   */
  ROLLING("iris-rolling.yaml", "2.0.0"),
  /**
   * A canary of 2.0.0 held at weight 50 while the traffic rises until the HPA the operator wrote
   * scales the stable side out and falls until it scales it back in (local mode's HPA controller,
   * on requests per second and CPU), the canary at ceil(weight × stable) pods; then promoted.
   */
  AUTOSCALE("iris-autoscale.yaml", "2.0.0"),
  /**
   * A rolling update with both packages read from the embedded S3 store, labelled rows kept there.
   */
  S3("iris-s3.yaml", "2.0.0"),
  /**
   * Closing the loop: the traffic shifts, drift and the accuracy drop start a retraining Job, and
   * the candidate it leaves is adopted with {@code kubectl modelship adopt} and rolled out as a
   * canary. The new version is the one the operator gives the candidate, known only then.
   */
  RETRAIN("iris-retrain.yaml", null);

  public static final String STABLE_VERSION = "1.0.0";

  /** The version trained with each class labelled as the next: plainly worse predictions. */
  public static final String BAD_VERSION = "2.1.0";

  private final String manifest;
  private final String newVersion;

  Scenario(String manifest, String newVersion) {
    this.manifest = manifest;
    this.newVersion = newVersion;
  }

  public String manifest() {
    return manifest;
  }

  public String newVersion() {
    return newVersion;
  }

  /** The manifest text with the model's version and URI changed to the new version. */
  public String edited(String manifestText) {
    if (newVersion == null) {
      throw new IllegalStateException(cliName() + " changes no version by editing the manifest");
    }
    return manifestText
        .replace("version: \"" + STABLE_VERSION + "\"", "version: \"" + newVersion + "\"")
        .replace("/" + STABLE_VERSION + ".tar.gz", "/" + newVersion + ".tar.gz");
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
