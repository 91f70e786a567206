package io.modelship.operator.retraining;

import io.modelship.api.v1alpha1.status.AccuracySummary;
import io.modelship.api.v1alpha1.status.DriftLevel;
import io.modelship.api.v1alpha1.status.DriftSummary;
import io.modelship.api.v1alpha1.status.ErrorSummary;
import io.modelship.api.v1alpha1.status.ModelDeploymentStatus;
import io.modelship.api.v1alpha1.status.RetrainingStatus;
import io.modelship.api.v1alpha1.status.RetrainingTrigger;
import io.modelship.drift.DriftStatus;
import io.modelship.drift.DriftThresholds;
import io.modelship.operator.dependent.EffectiveMonitoring;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which triggers are due now, from the status this reconcile assembled and what the last status
 * recorded. Pure: no client, no clock. What must survive a restart is in status.retraining: since
 * when drift has been at Alert ({@code driftAlertSince}), the last schedule time acted on, the last
 * manual token acted on.
 *
 * @param due the triggers due now, most deliberate first: Manual, Drift, AccuracyDrop, Schedule
 * @param driftAlertSince to record: since when enough features have been at Alert
 * @param lastScheduleTime to record until a run starts
 * @param scheduleSlot the schedule time a run starting now would be for, when one is due
 * @param handledToken to record: a token present when the resource is first seen is recorded
 *     without acting, as the rollout's manual control does
 * @param nextCheck when a trigger may become due without any event (a drift duration, a schedule)
 */
public record TriggerCheck(
    List<Due> due,
    String driftAlertSince,
    String lastScheduleTime,
    Optional<Instant> scheduleSlot,
    String handledToken,
    Optional<Instant> nextCheck) {

  /**
   * A trigger that is due, with its measured values for status.retraining.runs[].triggerMessage.
   */
  public record Due(RetrainingTrigger trigger, String message, Optional<String> token) {}

  /**
   * @param previous status.retraining as read (null before anything was recorded)
   * @param current the status assembled in this reconcile: drift, accuracy, regression error
   * @param token the modelship.io/retrain annotation's value, if any
   * @param firstSight whether the operator has never written this resource's status
   */
  public static TriggerCheck evaluate(
      EffectiveRetraining retraining,
      RetrainingStatus previous,
      ModelDeploymentStatus current,
      EffectiveMonitoring monitoring,
      Optional<String> token,
      boolean firstSight,
      Instant now) {
    var due = new ArrayList<Due>();
    Optional<Instant> nextCheck = Optional.empty();
    var last = Optional.ofNullable(previous);

    String recordedToken = last.map(RetrainingStatus::getHandledRetrainToken).orElse(null);
    String handled = recordedToken;
    Optional<String> fresh = token.filter(t -> !t.isBlank()).filter(t -> !t.equals(recordedToken));
    if (fresh.isPresent() && firstSight) {
      handled = fresh.get();
    } else if (fresh.isPresent()) {
      due.add(
          new Due(
              RetrainingTrigger.Manual,
              "annotation modelship.io/retrain set to '" + fresh.get() + "'",
              fresh));
    }

    String driftSince = null;
    if (retraining.drift().isPresent()) {
      var rule = retraining.drift().get();
      String recorded = last.map(RetrainingStatus::getDriftAlertSince).orElse(null);
      DriftSummary drift = current.getDrift();
      if (!scorable(drift)) {
        // Unknown is not recovery: pods that restart and refill their windows keep the clock.
        driftSince = recorded;
      } else {
        List<Map.Entry<String, Double>> alerting = alerting(drift, monitoring);
        if (alerting.size() >= rule.features()) {
          driftSince = recorded != null ? recorded : seconds(now);
          Instant since = Instant.parse(driftSince);
          Duration held = Duration.between(since, now);
          if (held.compareTo(rule.forDuration()) >= 0) {
            due.add(
                new Due(
                    RetrainingTrigger.Drift, driftMessage(alerting, held, rule), Optional.empty()));
          } else {
            nextCheck = earliest(nextCheck, since.plus(rule.forDuration()));
          }
        }
      }
    }

    if (retraining.accuracyDrop().isPresent()) {
      accuracyDrop(current, retraining.accuracyDrop().get())
          .ifPresent(m -> due.add(new Due(RetrainingTrigger.AccuracyDrop, m, Optional.empty())));
    }

    String lastSchedule = last.map(RetrainingStatus::getLastScheduleTime).orElse(null);
    Optional<Instant> slot = Optional.empty();
    if (retraining.schedule().isPresent()) {
      CronSchedule cron = retraining.schedule().get();
      if (lastSchedule == null) {
        // Times before the schedule was first seen are not run: adding a weekly schedule to a
        // month-old resource must not start a run at once.
        lastSchedule = seconds(cron.previous(now).orElse(now));
      }
      Optional<Instant> next = cron.next(Instant.parse(lastSchedule));
      if (next.isPresent() && !next.get().isAfter(now)) {
        slot = cron.previous(now);
        due.add(
            new Due(
                RetrainingTrigger.Schedule,
                "schedule '" + cron + "' (UTC) due at " + next.get(),
                Optional.empty()));
      } else if (next.isPresent()) {
        nextCheck = earliest(nextCheck, next.get());
      }
    }
    return new TriggerCheck(List.copyOf(due), driftSince, lastSchedule, slot, handled, nextCheck);
  }

  /** Features at Alert, worst first. */
  static List<Map.Entry<String, Double>> alerting(
      DriftSummary drift, EffectiveMonitoring monitoring) {
    var thresholds = new DriftThresholds(monitoring.warning(), monitoring.threshold());
    return drift.getFeatures().entrySet().stream()
        .filter(e -> e.getValue() != null && !e.getValue().isNaN())
        .filter(e -> thresholds.classify(e.getValue()) == DriftStatus.Alert)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .toList();
  }

  private static boolean scorable(DriftSummary drift) {
    return drift != null
        && drift.getStatus() != null
        && drift.getStatus() != DriftLevel.InsufficientData
        && drift.getFeatures() != null
        && drift.getSamples() != null
        && drift.getSamples() > 0;
  }

  private static String driftMessage(
      List<Map.Entry<String, Double>> alerting, Duration held, EffectiveRetraining.DriftRule rule) {
    var named = new ArrayList<String>();
    for (var e : alerting.subList(0, Math.min(5, alerting.size()))) {
      named.add(e.getKey() + " " + fixed(e.getValue()));
    }
    return "drift at Alert on "
        + alerting.size()
        + (alerting.size() == 1 ? " feature (" : " features (")
        + String.join(", ", named)
        + (alerting.size() > 5 ? ", …" : "")
        + ") for "
        + RetrainingDurations.format(held)
        + "; trigger: at least "
        + rule.features()
        + " for "
        + RetrainingDurations.format(rule.forDuration());
  }

  /** |A0 − At| &gt; δ on accuracy, or for a regressor on its mean absolute error. */
  static Optional<String> accuracyDrop(ModelDeploymentStatus current, double delta) {
    AccuracySummary accuracy = current.getAccuracy();
    if (accuracy != null
        && accuracy.getStatus() != DriftLevel.InsufficientData
        && accuracy.getBaseline() != null
        && accuracy.getCurrent() != null) {
      double gap = Math.abs(accuracy.getBaseline() - accuracy.getCurrent());
      if (gap > delta) {
        return Optional.of(
            "live accuracy "
                + fixed(accuracy.getCurrent())
                + " is "
                + fixed(gap)
                + " from the baseline "
                + fixed(accuracy.getBaseline())
                + " (more than "
                + delta
                + ") over "
                + accuracy.getSamples()
                + " labelled predictions");
      }
      return Optional.empty();
    }
    ErrorSummary error = current.getRegressionError();
    if (error != null
        && error.getStatus() != DriftLevel.InsufficientData
        && error.getBaselineMae() != null
        && error.getMae() != null) {
      double gap = Math.abs(error.getMae() - error.getBaselineMae());
      if (gap > delta) {
        return Optional.of(
            "live MAE "
                + fixed(error.getMae())
                + " is "
                + fixed(gap)
                + " from the baseline MAE "
                + fixed(error.getBaselineMae())
                + " (more than "
                + delta
                + ") over "
                + error.getSamples()
                + " labelled predictions");
      }
    }
    return Optional.empty();
  }

  static String fixed(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }

  static String seconds(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static Optional<Instant> earliest(Optional<Instant> a, Instant b) {
    return Optional.of(a.filter(x -> x.isBefore(b)).orElse(b));
  }
}
