package io.modelship.api.retraining;

import java.time.Duration;

/**
 * The defaults of spec.retraining and of a retraining run, in one place: the operator applies them
 * to the spec (and sets them on the Job's environment, {@link RetrainJob}), and the runtime's
 * {@code retrain} command falls back to the same ones when a variable is absent, so a Job run by
 * hand behaves as one the operator started. The spec's field comments state them for readers.
 */
public final class RetrainingDefaults {

  /** spec.retraining.cooldown, as the spec writes it. */
  public static final String COOLDOWN_TEXT = "6h";

  /** spec.retraining.cooldown: no run starts sooner than this after the last one started. */
  public static final Duration COOLDOWN = RetrainingDurations.parse("cooldown", COOLDOWN_TEXT);

  /** spec.retraining.data.window, as the spec writes it. */
  public static final String WINDOW_TEXT = "7d";

  /** spec.retraining.data.window: only labelled rows this recent are used. */
  public static final Duration WINDOW = RetrainingDurations.parse("window", WINDOW_TEXT);

  /** spec.retraining.data.maxRows: at most this many recent rows, the newest. */
  public static final int MAX_ROWS = 200_000;

  /**
   * spec.retraining.minImprovement: a candidate is Better only when it beats the serving version by
   * at least this much on the same held-out rows.
   */
  public static final double MIN_IMPROVEMENT = 0.01;

  /** spec.retraining.job.activeDeadlineSeconds: the Job is stopped (TimedOut) after this long. */
  public static final long ACTIVE_DEADLINE_SECONDS = 3600;

  /** spec.retraining.job.backoffLimit: a failed Job pod is not retried. */
  public static final int BACKOFF_LIMIT = 0;

  /** spec.retraining.triggers.drift.features: drift on this many features trips the trigger. */
  public static final int DRIFT_FEATURES = 1;

  /**
   * The share of the recent labelled rows, the newest, held out to evaluate the candidate and the
   * serving version on; the rest join the training data.
   */
  public static final double HELD_OUT_SHARE = 0.2;

  /** At least this many recent rows are held out, whatever the share gives. */
  public static final int MIN_HELD_OUT_ROWS = 30;

  /** At least this many recent rows are trained on besides the held-out ones. */
  public static final int MIN_TRAIN_ROWS = 30;

  private RetrainingDefaults() {}
}
