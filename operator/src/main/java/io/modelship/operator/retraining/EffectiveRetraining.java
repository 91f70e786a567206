package io.modelship.operator.retraining;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.modelship.api.v1alpha1.spec.DriftTrigger;
import io.modelship.api.v1alpha1.spec.RetrainingDataSpec;
import io.modelship.api.v1alpha1.spec.RetrainingJobSpec;
import io.modelship.api.v1alpha1.spec.RetrainingSpec;
import io.modelship.api.v1alpha1.spec.RetrainingTriggers;
import io.modelship.operator.problem.Problem;
import io.modelship.operator.validation.ImageRegistries;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * spec.retraining with its defaults applied, or the problem that keeps any run from starting. The
 * defaults are applied here and never written back into the spec.
 *
 * @param drift the drift trigger, if set
 * @param accuracyDrop δ of |A0 − At| &gt; δ, if set
 * @param schedule the cron trigger, if set
 */
public record EffectiveRetraining(
    Optional<DriftRule> drift,
    Optional<Double> accuracyDrop,
    Optional<CronSchedule> schedule,
    Duration cooldown,
    Duration window,
    int maxRows,
    double minImprovement,
    String output,
    Optional<String> trainingData,
    Optional<String> sink,
    long activeDeadlineSeconds,
    int backoffLimit) {

  public static final Duration DEFAULT_COOLDOWN = Duration.ofHours(6);
  public static final Duration DEFAULT_WINDOW = Duration.ofDays(7);
  public static final int DEFAULT_MAX_ROWS = 200_000;
  public static final double DEFAULT_MIN_IMPROVEMENT = 0.01;
  public static final long DEFAULT_ACTIVE_DEADLINE_SECONDS = 3600;
  public static final int DEFAULT_BACKOFF_LIMIT = 0;

  /** Drift at Alert on at least {@code features} features for at least {@code forDuration}. */
  public record DriftRule(int features, Duration forDuration) {}

  /** The settings in force, or why no run can start. */
  public sealed interface Result {
    record Valid(EffectiveRetraining retraining) implements Result {}

    record Invalid(Problem problem) implements Result {}
  }

  public static Result of(RetrainingSpec spec, ImageRegistries allowedImages) {
    try {
      return new Result.Valid(resolve(spec, allowedImages));
    } catch (InvalidRetraining e) {
      return new Result.Invalid(e.problem);
    }
  }

  private static EffectiveRetraining resolve(RetrainingSpec spec, ImageRegistries allowedImages) {
    var triggers = Optional.ofNullable(spec.getTriggers());
    var data = Optional.ofNullable(spec.getData());
    var job = Optional.ofNullable(spec.getJob());
    Optional<String> trainingData =
        data.map(RetrainingDataSpec::getTrainingData).filter(s -> !s.isBlank()).map(String::trim);
    Optional<String> sink =
        data.map(RetrainingDataSpec::getSink).filter(s -> !s.isBlank()).map(String::trim);
    if (trainingData.isEmpty() && sink.isEmpty()) {
      throw new InvalidRetraining(
          "NothingToTrainOn",
          "spec.retraining.data names neither a sink (the labelled rows the serving pods keep) nor"
              + " trainingData: a retraining run would have nothing to train on");
    }
    if (spec.getOutput() == null || spec.getOutput().isBlank()) {
      throw new InvalidRetraining(
          "NoOutput",
          "spec.retraining.output is not set: a retraining run has nowhere to write its candidate");
    }
    Optional<DriftRule> drift =
        triggers
            .map(RetrainingTriggers::getDrift)
            .map(
                d ->
                    new DriftRule(
                        d.getFeatures() == null ? 1 : d.getFeatures(),
                        duration("spec.retraining.triggers.drift.for", d, Duration.ZERO)));
    Optional<CronSchedule> schedule = Optional.empty();
    String cron = triggers.map(RetrainingTriggers::getSchedule).orElse(null);
    if (cron != null && !cron.isBlank()) {
      try {
        schedule = Optional.of(CronSchedule.parse(cron));
      } catch (IllegalArgumentException e) {
        throw new InvalidRetraining(
            "InvalidSchedule",
            "spec.retraining.triggers.schedule '"
                + cron
                + "' is not a cron schedule: "
                + e.getMessage());
      }
    }
    List<EnvVar> env = job.map(RetrainingJobSpec::getEnv).orElse(List.of());
    List<String> reserved =
        env.stream().map(EnvVar::getName).filter(RetrainJobs::reserved).distinct().toList();
    if (!reserved.isEmpty()) {
      throw new InvalidRetraining(
          "OperatorOwnedEnv",
          "spec.retraining.job.env may not set "
              + String.join(", ", reserved)
              + ": the operator sets them for the retraining Job");
    }
    job.map(RetrainingJobSpec::getImage)
        .filter(i -> !i.isBlank() && !allowedImages.allows(i))
        .ifPresent(
            image -> {
              throw new InvalidRetraining(
                  ImageRegistries.REASON,
                  "spec.retraining.job.image "
                      + image
                      + " is not in a registry this operator allows; use an image under "
                      + String.join(", ", allowedImages.prefixes()));
            });
    return new EffectiveRetraining(
        drift,
        triggers.map(RetrainingTriggers::getAccuracyDrop),
        schedule,
        parse("spec.retraining.cooldown", spec.getCooldown(), DEFAULT_COOLDOWN),
        parse(
            "spec.retraining.data.window",
            data.map(RetrainingDataSpec::getWindow).orElse(null),
            DEFAULT_WINDOW),
        data.map(RetrainingDataSpec::getMaxRows).orElse(DEFAULT_MAX_ROWS),
        spec.getMinImprovement() == null ? DEFAULT_MIN_IMPROVEMENT : spec.getMinImprovement(),
        spec.getOutput().trim(),
        trainingData,
        sink,
        job.map(RetrainingJobSpec::getActiveDeadlineSeconds)
            .orElse(DEFAULT_ACTIVE_DEADLINE_SECONDS),
        job.map(RetrainingJobSpec::getBackoffLimit).orElse(DEFAULT_BACKOFF_LIMIT));
  }

  private static Duration duration(String field, DriftTrigger trigger, Duration fallback) {
    return parse(field, trigger.getForDuration(), fallback);
  }

  private static Duration parse(String field, String text, Duration fallback) {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      return RetrainingDurations.parse(field, text);
    } catch (IllegalArgumentException e) {
      throw new InvalidRetraining("InvalidDuration", e.getMessage());
    }
  }

  private static final class InvalidRetraining extends RuntimeException {
    private final Problem problem;

    InvalidRetraining(String reason, String message) {
      super(message, null, false, false);
      this.problem = new Problem(reason, message);
    }
  }
}
