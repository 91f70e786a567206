package io.modelship.operator.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.api.v1alpha1.spec.DriftTrigger;
import io.modelship.api.v1alpha1.spec.ModelDeploymentSpec;
import io.modelship.api.v1alpha1.spec.RetrainingDataSpec;
import io.modelship.api.v1alpha1.spec.RetrainingSpec;
import io.modelship.api.v1alpha1.spec.RetrainingTriggers;
import io.modelship.api.v1alpha1.status.AccuracySummary;
import io.modelship.api.v1alpha1.status.DriftLevel;
import io.modelship.api.v1alpha1.status.DriftSummary;
import io.modelship.api.v1alpha1.status.ErrorSummary;
import io.modelship.api.v1alpha1.status.ModelDeploymentStatus;
import io.modelship.api.v1alpha1.status.RetrainingStatus;
import io.modelship.api.v1alpha1.status.RetrainingTrigger;
import io.modelship.operator.dependent.EffectiveMonitoring;
import io.modelship.operator.settings.OperatorSettings;
import io.modelship.operator.validation.ImageRegistries;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TriggerCheckTest {

  static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");
  static final EffectiveMonitoring MONITORING =
      EffectiveMonitoring.of(new ModelDeploymentSpec(), OperatorSettings.defaults());

  @Test
  void driftMustHoldOnEnoughFeaturesForTheDurationAndTheClockSurvivesARestart() {
    var retraining = settings(triggers(2, "30m", null, null));
    var drifting = drift(0.41, 0.33, 0.02);

    // First seen at Alert on two features: the clock starts, nothing is due yet.
    var first = check(retraining, null, drifting, T0);
    assertThat(first.due()).isEmpty();
    assertThat(first.driftAlertSince()).isEqualTo("2026-12-07T08:00:00Z");
    assertThat(first.nextCheck()).contains(T0.plus(Duration.ofMinutes(30)));

    // A restarted operator has only the status: 31 minutes later it is due, with the values.
    var later = check(retraining, recorded(first), drifting, T0.plus(Duration.ofMinutes(31)));
    assertThat(later.due())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.trigger()).isEqualTo(RetrainingTrigger.Drift);
              assertThat(d.message())
                  .isEqualTo(
                      "drift at Alert on 2 features (f0 0.4100, f1 0.3300) for 31m; trigger: at"
                          + " least 2 for 30m");
            });
    assertThat(later.driftAlertSince()).isEqualTo("2026-12-07T08:00:00Z");
  }

  @Test
  void driftOnTooFewFeaturesResetsTheClockButTooFewSamplesDoesNot() {
    var retraining = settings(triggers(2, "30m", null, null));
    var since = new RetrainingStatus();
    since.setDriftAlertSince("2026-12-07T07:00:00Z");

    assertThat(check(retraining, since, drift(0.41, 0.1, 0.02), T0).driftAlertSince()).isNull();

    var unscorable = drift(0.41, 0.33, 0.02);
    unscorable.getDrift().setStatus(DriftLevel.InsufficientData);
    var kept = check(retraining, since, unscorable, T0);
    assertThat(kept.driftAlertSince()).isEqualTo("2026-12-07T07:00:00Z");
    assertThat(kept.due()).isEmpty();
  }

  @Test
  void anAccuracyDropBeyondDeltaIsDueAndWithinItIsNot() {
    var retraining = settings(triggers(null, null, 0.05, null));

    assertThat(check(retraining, null, accuracy(0.95, 0.88, DriftLevel.Alert), T0).due())
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.message())
                    .isEqualTo(
                        "live accuracy 0.8800 is 0.0700 from the baseline 0.9500 (more than 0.05)"
                            + " over 500 labelled predictions"));
    assertThat(check(retraining, null, accuracy(0.95, 0.92, DriftLevel.Normal), T0).due())
        .isEmpty();
    assertThat(check(retraining, null, accuracy(0.95, 0.5, DriftLevel.InsufficientData), T0).due())
        .isEmpty();
  }

  @Test
  void aRegressorsDropIsMeasuredOnItsError() {
    var retraining = settings(triggers(null, null, 0.1, null));
    var status = new ModelDeploymentStatus();
    var error = new ErrorSummary();
    error.setBaselineMae(0.5);
    error.setMae(0.75);
    error.setSamples(300L);
    error.setStatus(DriftLevel.Alert);
    status.setRegressionError(error);

    assertThat(check(retraining, null, status, T0).due())
        .singleElement()
        .satisfies(d -> assertThat(d.message()).startsWith("live MAE 0.7500 is 0.2500"));
  }

  @Test
  void aScheduleFirstSeenDoesNotRunForThePastThenRunsWhenItsTimeComes() {
    var retraining = settings(triggers(null, null, null, "0 3 * * 0"));
    var nothing = new ModelDeploymentStatus();

    var first = check(retraining, null, nothing, Instant.parse("2026-12-09T10:00:00Z"));
    assertThat(first.due()).isEmpty();
    assertThat(first.lastScheduleTime()).isEqualTo("2026-12-06T03:00:00Z");
    assertThat(first.nextCheck()).contains(Instant.parse("2026-12-13T03:00:00Z"));

    var due = check(retraining, recorded(first), nothing, Instant.parse("2026-12-13T03:00:20Z"));
    assertThat(due.due())
        .extracting(TriggerCheck.Due::trigger)
        .containsExactly(RetrainingTrigger.Schedule);
    assertThat(due.scheduleSlot()).contains(Instant.parse("2026-12-13T03:00:00Z"));
  }

  @Test
  void aNewTokenIsDueOnceAndATokenPresentAtFirstSightIsOnlyRecorded() {
    var retraining = settings(triggers(null, null, null, null));
    var nothing = new ModelDeploymentStatus();

    var fresh =
        TriggerCheck.evaluate(
            retraining, new RetrainingStatus(), nothing, MONITORING, Optional.of("t1"), false, T0);
    assertThat(fresh.due())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.trigger()).isEqualTo(RetrainingTrigger.Manual);
              assertThat(d.token()).contains("t1");
            });

    var handled = new RetrainingStatus();
    handled.setHandledRetrainToken("t1");
    assertThat(
            TriggerCheck.evaluate(
                    retraining, handled, nothing, MONITORING, Optional.of("t1"), false, T0)
                .due())
        .isEmpty();

    var firstSight =
        TriggerCheck.evaluate(retraining, null, nothing, MONITORING, Optional.of("t0"), true, T0);
    assertThat(firstSight.due()).isEmpty();
    assertThat(firstSight.handledToken()).isEqualTo("t0");
  }

  static TriggerCheck check(
      EffectiveRetraining retraining,
      RetrainingStatus previous,
      ModelDeploymentStatus current,
      Instant now) {
    return TriggerCheck.evaluate(
        retraining, previous, current, MONITORING, Optional.empty(), false, now);
  }

  static RetrainingStatus recorded(TriggerCheck check) {
    var status = new RetrainingStatus();
    status.setDriftAlertSince(check.driftAlertSince());
    status.setLastScheduleTime(check.lastScheduleTime());
    status.setHandledRetrainToken(check.handledToken());
    return status;
  }

  static ModelDeploymentStatus drift(double... scores) {
    var features = new LinkedHashMap<String, Double>();
    for (int i = 0; i < scores.length; i++) {
      features.put("f" + i, scores[i]);
    }
    var drift = new DriftSummary();
    drift.setFeatures(features);
    drift.setStatus(DriftLevel.Alert);
    drift.setSamples(1000L);
    var status = new ModelDeploymentStatus();
    status.setDrift(drift);
    return status;
  }

  static ModelDeploymentStatus accuracy(double baseline, double current, DriftLevel level) {
    var accuracy = new AccuracySummary();
    accuracy.setBaseline(baseline);
    accuracy.setCurrent(current);
    accuracy.setSamples(500L);
    accuracy.setStatus(level);
    var status = new ModelDeploymentStatus();
    status.setAccuracy(accuracy);
    return status;
  }

  static RetrainingTriggers triggers(
      Integer features, String forDuration, Double accuracyDrop, String schedule) {
    var triggers = new RetrainingTriggers();
    if (features != null) {
      var drift = new DriftTrigger();
      drift.setFeatures(features);
      drift.setForDuration(forDuration);
      triggers.setDrift(drift);
    }
    triggers.setAccuracyDrop(accuracyDrop);
    triggers.setSchedule(schedule);
    return triggers;
  }

  static EffectiveRetraining settings(RetrainingTriggers triggers) {
    var spec = new RetrainingSpec();
    spec.setTriggers(triggers);
    var data = new RetrainingDataSpec();
    data.setSink("s3://ml/iris/labelled/");
    spec.setData(data);
    spec.setOutput("s3://ml/iris/candidates/");
    return ((EffectiveRetraining.Result.Valid) EffectiveRetraining.of(spec, ImageRegistries.any()))
        .retraining();
  }
}
