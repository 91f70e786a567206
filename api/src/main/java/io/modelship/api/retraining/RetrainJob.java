package io.modelship.api.retraining;

/**
 * The operator↔retraining-Job contract: the environment the operator sets on a retraining Job's
 * container, and where the Job leaves its result. The serving runtime's {@code retrain} command
 * reads exactly these; a user's own retraining image (the only way an ONNX model is retrained)
 * reads the same and writes the same result, as the operator README describes.
 *
 * <p>The Job never writes the ModelDeployment: it writes a {@link RetrainResult} as JSON to {@link
 * #RESULT_FILE} (the container's terminationMessagePath, at most {@link #RESULT_MAX_BYTES}), and
 * the operator reads it from the Pod's terminated state.
 */
public final class RetrainJob {

  /** The serving version's package URI (what is retrained, and the comparison's baseline). */
  public static final String FROM_URI = "RETRAIN_FROM_URI";

  /** The serving package's SHA-256 when the spec names one; the Job verifies the download. */
  public static final String FROM_SHA256 = "RETRAIN_FROM_SHA256";

  /** The serving version, e.g. 2.0.0. */
  public static final String SERVING_VERSION = "RETRAIN_SERVING_VERSION";

  /** The version the candidate gets, chosen by the operator, e.g. 2.0.0-retrain.3. */
  public static final String CANDIDATE_VERSION = "RETRAIN_CANDIDATE_VERSION";

  /** spec.retraining.data.trainingData, when set. */
  public static final String TRAINING_DATA = "RETRAIN_TRAINING_DATA";

  /** spec.retraining.data.sink: the prefix the pods' labelled-row chunks are under. */
  public static final String RECENT = "RETRAIN_RECENT";

  /** Only recent rows newer than now minus this many seconds are used. */
  public static final String WINDOW_SECONDS = "RETRAIN_WINDOW_SECONDS";

  /** At most this many recent rows (the newest). */
  public static final String MAX_ROWS = "RETRAIN_MAX_ROWS";

  /**
   * The newest row the previous successful run used (RFC 3339), absent on the first run: with no
   * labelled row newer than this the Job ends with outcome NoNewData and trains nothing.
   */
  public static final String NEWER_THAN = "RETRAIN_NEWER_THAN";

  /** spec.retraining.output: the URI prefix the candidate package is written under. */
  public static final String OUTPUT = "RETRAIN_OUTPUT";

  /** Where the result is written; the container's terminationMessagePath. */
  public static final String RESULT_FILE_ENV = "RETRAIN_RESULT_FILE";

  /** The default result file: Kubernetes' default terminationMessagePath. */
  public static final String RESULT_FILE = "/dev/termination-log";

  /** Kubernetes keeps at most 4096 bytes of a termination message. */
  public static final int RESULT_MAX_BYTES = 4096;

  /** Label on the Job and its Pod naming the ModelDeployment. */
  public static final String DEPLOYMENT_LABEL = "modelship.io/deployment";

  /** Label on the Job and its Pod marking it a retraining run. */
  public static final String RETRAINING_LABEL = "modelship.io/retraining";

  /** The manual trigger: a new token in this annotation starts one run. */
  public static final String RETRAIN_ANNOTATION = "modelship.io/retrain";

  private RetrainJob() {}
}
