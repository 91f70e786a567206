package io.modelship.operator.rollout.plan;

import io.modelship.api.v1alpha1.spec.BlueGreenSpec;
import io.modelship.api.v1alpha1.spec.RolloutStrategy;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.api.v1alpha1.status.RolloutOutcome;
import io.modelship.api.v1alpha1.status.RolloutStatus;
import io.modelship.operator.rollout.analysis.Durations;
import io.modelship.operator.rollout.plan.ManualControl.Intent;
import io.modelship.operator.rollout.plan.RolloutTransition.Kind;
import io.modelship.operator.rollout.plan.RolloutTransition.Reason;
import io.modelship.operator.rollout.traffic.Traffic;
import io.modelship.operator.rollout.traffic.TrafficRouter;
import io.modelship.operator.rollout.traffic.VersionObservation;
import io.modelship.operator.text.Plural;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Blue-green: the new version comes up behind {@code <name>-preview} while {@code <name>} keeps
 * selecting the stable one. Promotion (after {@code autoPromotionSeconds} from readiness, with a
 * passing judgement when analysis is set, or by hand) first brings the new version to full size;
 * {@code <name>} switches only when those pods are ready, and the old version keeps running for
 * {@code scaleDownDelaySeconds} so a quick switch back needs no new pods.
 *
 * <p>Persisted: {@code previewReadyAt} when the preview became ready (the auto-promotion clock),
 * {@code promotionDecidedAt} once promotion is decided, {@code switchedAt} when {@code <name>}
 * moved. {@code desiredWeight} only shows the decision (100 from it on) in the status's {@code
 * canaryWeight}; nothing here reads it.
 */
public final class BlueGreenPlanner implements RolloutPlanner {

  @Override
  public RolloutPlan plan(RolloutInputs in) {
    return ProgressiveRun.plan(RolloutStrategy.BlueGreen, in, Run::new);
  }

  private static final class Run extends ProgressiveRun {
    final BlueGreenSpec blueGreen;

    /** Set when a manual promote arrived in this reconcile. */
    Reason promotedBy;

    Run(RolloutInputs in) {
      super(RolloutStrategy.BlueGreen, in);
      this.blueGreen =
          in.rollout().getBlueGreen() == null ? new BlueGreenSpec() : in.rollout().getBlueGreen();
    }

    @Override
    RolloutStatus fresh() {
      RolloutStatus f = RolloutState.fresh(RolloutStrategy.BlueGreen, target, stable, null, in);
      f.setActiveVersion(stable);
      f.setPreviewVersion(target);
      return f;
    }

    @Override
    String retryMessage() {
      return "Retrying the blue-green rollout of " + target;
    }

    @Override
    String where(RolloutStatus s) {
      return "";
    }

    @Override
    RolloutStatus promote(Intent intent, RolloutStatus s) {
      promotedBy = Reason.MANUAL;
      return s;
    }

    @Override
    AnalysisSchedule.Judged judge(RolloutStatus s) {
      if (s.getSwitchedAt() != null || promotionDecided(s) || analysis == null) {
        return AnalysisSchedule.Judged.none(s);
      }
      var judged = AnalysisSchedule.run(analysis, s, in, target, stable, this::soon);
      return new AnalysisSchedule.Judged(
          judged.state(),
          judged
              .failure()
              .map(
                  failure ->
                      "rolled back " + target + " → " + stable + " before the switch: " + failure));
    }

    @Override
    RolloutPlan step(RolloutStatus s) {
      RolloutStatus next = RolloutState.copy(s);
      return s.getSwitchedAt() != null ? afterSwitch(next) : beforeSwitch(next, promotedBy);
    }

    @Override
    RolloutStatus rolledBack(RolloutStatus s) {
      return RolloutState.edit(
          s,
          n -> {
            n.setActiveVersion(stable);
            n.setPreviewVersion(null);
            n.setPreviewReadyAt(null);
            n.setPromotionDecidedAt(null);
          });
    }

    @Override
    Traffic rollbackTraffic() {
      return new Traffic(stable, null, stable, null, 0, null, null);
    }

    /**
     * Before {@code <name>} switches: the preview comes up, waits for promotion, then grows to full
     * size. {@code s} is this step's own new status.
     */
    RolloutPlan beforeSwitch(RolloutStatus s, Reason promotedBy) {
      int full = fullSize();
      int preview =
          blueGreen.getPreviewReplicas() == null
              ? full
              : Math.min(blueGreen.getPreviewReplicas(), Math.max(full, 1));
      VersionObservation previewObs = in.observed().get(target);
      boolean previewReady = TrafficRouter.podsReady(previewObs, preview) || promotionDecided(s);
      String waiting;
      String reason;
      Phase phase = Phase.Progressing;
      boolean deadlineApplies = true;
      Instant progressSince = RolloutState.instant(s.getStepStartedAt());
      if (!promotionDecided(s) && previewReady && s.getPreviewReadyAt() == null) {
        s.setPreviewReadyAt(RolloutState.time(now));
        transitions.add(
            new RolloutTransition(
                Kind.PAUSED,
                Reason.STEPS,
                "Preview of "
                    + target
                    + " ready with "
                    + Plural.pods(preview)
                    + "; waiting for promotion"));
      }
      if (!promotionDecided(s) && promotedBy == null && previewReady) {
        Instant readySince = RolloutState.instant(s.getPreviewReadyAt());
        boolean analysed = analysis == null || AnalysisSchedule.passedSince(s, readySince);
        Integer auto = blueGreen.getAutoPromotionSeconds();
        if (auto != null && analysed && !now.isBefore(readySince.plusSeconds(auto))) {
          promotedBy = Reason.AUTO_PROMOTION;
        } else if (auto != null && now.isBefore(readySince.plusSeconds(auto))) {
          soon(Duration.between(now, readySince.plusSeconds(auto)));
        }
      }
      if (promotedBy != null && !promotionDecided(s)) {
        s.setPromotionDecidedAt(RolloutState.time(now));
        s.setDesiredWeight(100);
        s.setStepStartedAt(RolloutState.time(now));
        progressSince = now;
        transitions.add(
            new RolloutTransition(
                Kind.STEP_ADVANCED,
                promotedBy,
                "Promoting "
                    + target
                    + ": scaling it to "
                    + full
                    + " pods before "
                    + in.rollout().getStrategy()
                    + " switches "
                    + "the Service"));
      }
      int previewPods = promotionDecided(s) ? full : preview;
      VersionObservation obs = in.observed().get(target);
      if (promotionDecided(s)) {
        if (TrafficRouter.podsReady(obs, full)) {
          s.setActiveVersion(target);
          s.setSwitchedAt(RolloutState.time(now));
          s.setActualWeight(100);
          transitions.add(
              new RolloutTransition(
                  Kind.SWITCHED,
                  promotedBy == null ? Reason.STEPS : promotedBy,
                  "Service switched from " + stable + " to " + target));
          return afterSwitch(s);
        }
        waiting =
            "Promoting "
                + target
                + ": "
                + ready(obs)
                + "/"
                + full
                + " pods ready before the switch";
        reason = "Promoting";
      } else if (!previewReady) {
        waiting =
            "Preview "
                + target
                + ": "
                + ready(obs)
                + "/"
                + preview
                + " pods ready behind the preview Service";
        reason = "WaitingForPreview";
      } else {
        deadlineApplies = false;
        phase = Phase.Paused;
        reason = "AwaitingPromotion";
        String analysisLine =
            analysis == null || s.getAnalysis().getMessage() == null
                ? ""
                : "; analysis: " + s.getAnalysis().getMessage();
        Integer auto = blueGreen.getAutoPromotionSeconds();
        waiting =
            "Preview "
                + target
                + " ready; "
                + (auto == null
                    ? "waiting for promotion (kubectl modelship promote, or annotate "
                        + ManualControl.PROMOTE
                        + ")"
                    : "auto-promotion "
                        + (lookAgain == null
                            ? "once analysis passes"
                            : "in " + Durations.format(lookAgain)))
                + analysisLine;
      }
      if (deadlineApplies && Duration.between(progressSince, now).compareTo(deadline()) > 0) {
        return end(
            s,
            RolloutOutcome.RolledBack,
            Reason.PROGRESS_DEADLINE,
            "rolled back "
                + target
                + " → "
                + stable
                + ": no progress for "
                + Durations.format(deadline())
                + " ("
                + waiting
                + ")");
      }
      s.setActiveVersion(stable);
      s.setPreviewVersion(target);
      s.setActualWeight(0);
      var targets =
          List.of(
              new VersionTarget(target, previewPods, true),
              new VersionTarget(stable, in.observed().get(stable).replicas(), false));
      var traffic = new Traffic(stable, target, stable, target, 0, null, null);
      return RolloutPlan.running(
          progress(s), targets, stable, in.autoscaled(), phase, reason, waiting, traffic);
    }

    /** After the switch: the old version kept for the scale-down delay, then promoted. */
    RolloutPlan afterSwitch(RolloutStatus s) {
      Instant switchedAt = RolloutState.instant(s.getSwitchedAt());
      int delay =
          blueGreen.getScaleDownDelaySeconds() == null ? 30 : blueGreen.getScaleDownDelaySeconds();
      Instant retireAt = switchedAt.plusSeconds(delay);
      s.setActiveVersion(target);
      s.setPreviewVersion(target);
      if (now.isBefore(retireAt)) {
        Duration left = Duration.between(now, retireAt);
        soon(left);
        String message =
            "Serving "
                + target
                + "; "
                + stable
                + " kept for "
                + Durations.format(left)
                + " before it goes";
        var targets =
            List.of(
                new VersionTarget(target, fullSize(), true),
                new VersionTarget(stable, in.observed().get(stable).replicas(), false));
        var traffic = new Traffic(target, target, target, null, 100, null, null);
        return RolloutPlan.running(
            progress(s),
            targets,
            stable,
            in.autoscaled(),
            Phase.Progressing,
            "ScaleDownDelay",
            message,
            traffic);
      }
      s.setPreviewVersion(null);
      return promoted(s, "Promoted " + target + " over " + stable + " (blue-green)");
    }

    static boolean promotionDecided(RolloutStatus s) {
      return s.getPromotionDecidedAt() != null;
    }

    static int ready(VersionObservation o) {
      return o == null ? 0 : o.readyReplicas();
    }
  }
}
