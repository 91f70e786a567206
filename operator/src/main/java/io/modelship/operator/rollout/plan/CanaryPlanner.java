package io.modelship.operator.rollout.plan;

import io.modelship.api.v1alpha1.spec.CanaryStep;
import io.modelship.api.v1alpha1.spec.RolloutStrategy;
import io.modelship.api.v1alpha1.status.AnalysisStatus;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.api.v1alpha1.status.RolloutOutcome;
import io.modelship.api.v1alpha1.status.RolloutStatus;
import io.modelship.api.v1alpha1.status.Verdict;
import io.modelship.operator.rollout.analysis.Durations;
import io.modelship.operator.rollout.plan.ManualControl.Intent;
import io.modelship.operator.rollout.plan.RolloutTransition.Kind;
import io.modelship.operator.rollout.plan.RolloutTransition.Reason;
import io.modelship.operator.rollout.traffic.CanaryReplicas;
import io.modelship.operator.rollout.traffic.Traffic;
import io.modelship.operator.rollout.traffic.TrafficRouter;
import io.modelship.operator.rollout.traffic.VersionObservation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Walks {@code spec.rollout.canary.steps} for a new version next to the stable one, judging it on
 * each interval's traffic, from the progress recorded in {@code status.rollout}: a restarted
 * operator resumes where it was, with the pause time that was left; an edited step list starts
 * over. A step completes only once its weight is in force (and, with analysis, a judgement made
 * during the step passed). A failed judgement up to the failure limit, a pod that cannot serve or
 * no progress within the deadline send all traffic back to the stable version at once.
 */
public final class CanaryPlanner implements RolloutPlanner {

  @Override
  public RolloutPlan plan(RolloutInputs in) {
    return ProgressiveRun.plan(RolloutStrategy.Canary, in, Run::new);
  }

  /** One reconcile of a canary of {@code in.targetVersion()} against {@code in.stableVersion()}. */
  private static final class Run extends ProgressiveRun {
    final List<CanaryStep> steps;
    final TrafficRouter router;

    /**
     * Whether this reconcile's PROMOTE completed a step by hand: that step's analysis is skipped.
     */
    boolean manualStep;

    Run(RolloutInputs in) {
      super(RolloutStrategy.Canary, in);
      var canary = in.rollout().getCanary();
      this.steps = canary == null || canary.getSteps() == null ? List.of() : canary.getSteps();
      this.router = TrafficRouter.of(in.rollout());
    }

    @Override
    RolloutStatus start() {
      RolloutStatus prev = in.previous();
      // Edited steps start over, also after a rollback: the spec changed, so it is worth a new try.
      if (continues(prev)
          && prev.getOutcome() != RolloutOutcome.Promoted
          && !hash().equals(prev.getStepsHash())) {
        transitions.add(
            new RolloutTransition(
                Kind.STEP_ADVANCED,
                Reason.STEPS,
                "Steps of the rollout of " + target + " were edited: starting over at step 1"));
        return fresh();
      }
      return super.start();
    }

    @Override
    RolloutStatus fresh() {
      return RolloutState.fresh(RolloutStrategy.Canary, target, stable, hash(), in);
    }

    String hash() {
      return RolloutState.stepsHash(steps);
    }

    @Override
    String retryMessage() {
      return "Retrying the rollout of " + target + " from step 1";
    }

    @Override
    String where(RolloutStatus s) {
      return " at step " + stepNumber(s);
    }

    @Override
    RolloutStatus promote(Intent intent, RolloutStatus s) {
      if (s.getStepIndex() >= steps.size()) {
        return s;
      }
      if (intent == Intent.PROMOTE_FULL) {
        return advanceTo(
            s,
            steps.size(),
            Reason.MANUAL,
            "Promoted fully by "
                + ManualControl.PROMOTE_FULL
                + ": skipping the remaining steps and analysis");
      } else {
        String from = RolloutState.describe(steps.get(s.getStepIndex()));
        manualStep = true;
        return advanceTo(
            s,
            s.getStepIndex() + 1,
            Reason.MANUAL,
            "Step " + stepNumber(s) + " (" + from + ") promoted by " + ManualControl.PROMOTE);
      }
    }

    @Override
    RolloutPlan step(RolloutStatus s) {
      return walk(RolloutState.copy(s), manualStep);
    }

    @Override
    RolloutStatus rolledBack(RolloutStatus s) {
      return RolloutState.edit(
          s,
          n -> {
            n.setMirrorPercent(null);
            n.setHeaderRoute(null);
          });
    }

    @Override
    Traffic rollbackTraffic() {
      return Traffic.all(null);
    }

    @Override
    AnalysisSchedule.Judged judge(RolloutStatus s) {
      if (analysis == null || s.getStepIndex() >= steps.size()) {
        return AnalysisSchedule.Judged.none(s);
      }
      var judged = AnalysisSchedule.run(analysis, s, in, target, stable, this::soon);
      return new AnalysisSchedule.Judged(
          judged.state(),
          judged
              .failure()
              .map(
                  summary ->
                      "rolled back "
                          + target
                          + " → "
                          + stable
                          + " at step "
                          + stepNumber(s)
                          + ": "
                          + summary));
    }

    /**
     * Completes every step whose condition holds, then sizes the Deployments for where it stopped.
     * {@code s} is this step's own new status.
     */
    RolloutPlan walk(RolloutStatus s, boolean manualStep) {
      boolean skipAnalysis = manualStep;
      String waiting = null;
      String reason = "CanaryStep";
      Phase phase = Phase.Progressing;
      Instant progressSince = RolloutState.instant(s.getStepStartedAt());
      boolean deadlineApplies = true;
      while (s.getStepIndex() < steps.size()) {
        CanaryStep step = steps.get(s.getStepIndex());
        String label =
            "Step " + stepNumber(s) + "/" + steps.size() + " (" + RolloutState.describe(step) + ")";
        if (step.getSetWeight() != null) {
          s.setDesiredWeight(step.getSetWeight());
        } else if (step.getSetMirror() != null) {
          s.setMirrorPercent(step.getSetMirror().getPercent());
        } else if (step.getSetHeaderRoute() != null) {
          s.setHeaderRoute(
              Traffic.headerRoute(
                  step.getSetHeaderRoute().getName(), step.getSetHeaderRoute().getValue()));
        }
        Traffic traffic = traffic(s);
        CanaryReplicas.Split split = split(s);
        if (!router.inForce(
            traffic, split, stableObs(), canaryObs(), in.autoscaled(), in.route())) {
          waiting = label + ": waiting for the weight to be in force (" + podsLine(split) + ")";
          reason = "WaitingForWeight";
          break;
        }
        if (step.getPause() != null) {
          if (s.getPauseStartedAt() == null) {
            s.setPauseStartedAt(RolloutState.time(now));
            transitions.add(
                new RolloutTransition(
                    Kind.PAUSED, Reason.STEPS, "Rollout of " + target + " paused at " + label));
          }
          if (step.getPause().getDuration() == null) {
            waiting =
                label
                    + ": paused at weight "
                    + s.getDesiredWeight()
                    + " until promoted (kubectl modelship promote, or annotate "
                    + ManualControl.PROMOTE
                    + ")";
            reason = "PausedUntilPromoted";
            phase = Phase.Paused;
            deadlineApplies = false;
            break;
          }
          Instant end =
              RolloutState.instant(s.getPauseStartedAt())
                  .plus(Durations.parse(step.getPause().getDuration()));
          if (now.isBefore(end)) {
            Duration left = Duration.between(now, end);
            soon(left);
            waiting =
                label
                    + ": paused at weight "
                    + s.getDesiredWeight()
                    + ", "
                    + Durations.format(left)
                    + " left";
            reason = "Paused";
            phase = Phase.Paused;
            deadlineApplies = false;
            break;
          }
          progressSince = end.isAfter(progressSince) ? end : progressSince;
        }
        boolean gated =
            analysis != null
                && !skipAnalysis
                && (step.getPause() != null || s.getDesiredWeight() > 0);
        if (gated && !passedDuringStep(s)) {
          Verdict last = s.getAnalysis().getLastVerdict();
          boolean inconclusive = last == Verdict.Inconclusive && judgedDuringStep(s);
          waiting =
              label
                  + (inconclusive
                      ? ": analysis inconclusive, " + s.getAnalysis().getMessage()
                      : ": analysing "
                          + target
                          + " at weight "
                          + s.getDesiredWeight()
                          + " (next judgement in "
                          + Durations.format(Optional.ofNullable(lookAgain).orElse(Duration.ZERO))
                          + ")");
          reason = inconclusive ? "WaitingForTraffic" : "Analysing";
          break;
        }
        String done = label;
        s.setStepIndex(s.getStepIndex() + 1);
        s.setStepStartedAt(RolloutState.time(now));
        s.setPauseStartedAt(null);
        progressSince = now;
        skipAnalysis = false;
        transitions.add(
            new RolloutTransition(
                Kind.STEP_ADVANCED, Reason.STEPS, done + " of the rollout of " + target + " done"));
      }

      if (waiting == null) {
        return takeOver(s);
      }
      Duration deadline = deadline();
      if (deadlineApplies && Duration.between(progressSince, now).compareTo(deadline) > 0) {
        return end(
            s,
            RolloutOutcome.RolledBack,
            Reason.PROGRESS_DEADLINE,
            "rolled back "
                + target
                + " → "
                + stable
                + " at step "
                + stepNumber(s)
                + ": no progress for "
                + Durations.format(deadline)
                + " ("
                + waiting
                + ")");
      }
      if (deadlineApplies) {
        soon(Duration.between(now, progressSince.plus(deadline)).plusSeconds(1));
      }
      return running(s, phase, reason, waiting);
    }

    /** All steps done: the new version grows to full size, and once ready takes over. */
    RolloutPlan takeOver(RolloutStatus s) {
      s.setDesiredWeight(100);
      s.setPauseStartedAt(null);
      VersionObservation canary = canaryObs();
      int full = fullSize();
      boolean ready = TrafficRouter.podsReady(canary, full) || (full == 0 && canary != null);
      s.setActualWeight(router.actualWeight(stableObs(), canary, in.route(), target));
      if (!ready) {
        Instant since = RolloutState.instant(s.getStepStartedAt());
        String waiting =
            "All steps done: bringing "
                + target
                + " to "
                + full
                + " pods before retiring "
                + stable
                + " ("
                + (canary == null ? 0 : canary.readyReplicas())
                + "/"
                + full
                + " ready)";
        if (Duration.between(since, now).compareTo(deadline()) > 0) {
          return end(
              s,
              RolloutOutcome.RolledBack,
              Reason.PROGRESS_DEADLINE,
              "rolled back "
                  + target
                  + " → "
                  + stable
                  + " after the last step: no progress for "
                  + Durations.format(deadline())
                  + " ("
                  + waiting
                  + ")");
        }
        var targets =
            List.of(
                new VersionTarget(target, full, true),
                new VersionTarget(stable, stableObs().replicas(), false));
        // Keep the last weight's traffic until the new version can carry it all.
        Traffic traffic =
            router.traffic(stable, target, 100, s.getMirrorPercent(), s.getHeaderRoute());
        return RolloutPlan.running(
            progress(s),
            targets,
            stable,
            in.autoscaled(),
            Phase.Progressing,
            "Promoting",
            waiting,
            traffic);
      }
      s.setActualWeight(100);
      s.setMirrorPercent(null);
      s.setHeaderRoute(null);
      AnalysisStatus a = s.getAnalysis();
      String message =
          "Promoted "
              + target
              + " over "
              + stable
              + " after "
              + steps.size()
              + " steps"
              + (analysis == null || a == null
                  ? ""
                  : " ("
                      + a.getPassed()
                      + " judgements passed, "
                      + a.getInconclusive()
                      + " inconclusive)");
      return promoted(s, message);
    }

    RolloutPlan running(RolloutStatus s, Phase phase, String reason, String message) {
      CanaryReplicas.Split split = split(s);
      s.setActualWeight(router.actualWeight(stableObs(), canaryObs(), in.route(), target));
      int canaryPods =
          Math.max(
              split.canary(), s.getMirrorPercent() != null || s.getHeaderRoute() != null ? 1 : 0);
      var targets =
          List.of(
              new VersionTarget(target, canaryPods, true),
              new VersionTarget(
                  stable, in.autoscaled() ? stableObs().replicas() : split.stable(), false));
      return RolloutPlan.running(
          progress(s),
          targets,
          stable,
          in.autoscaled(),
          phase,
          reason,
          message,
          routable(traffic(s)));
    }

    /**
     * No route weight or header route to the new version before one of its pods is ready: a Gateway
     * answers the share sent to a Service without endpoints with 503, so setting the step's weight
     * first and waiting for the pods after loses that share of the clients' requests (as Argo
     * Rollouts does, the pods come first). A mirror stays: its answers go to no client.
     */
    Traffic routable(Traffic traffic) {
      VersionObservation canary = canaryObs();
      if (traffic.canaryVersion() == null || (canary != null && canary.readyReplicas() > 0)) {
        return traffic;
      }
      return new Traffic(
          traffic.serviceVersion(),
          traffic.previewVersion(),
          traffic.stableVersion(),
          traffic.canaryVersion(),
          0,
          traffic.mirrorPercent(),
          null);
    }

    RolloutStatus advanceTo(RolloutStatus s, int index, Reason reason, String message) {
      transitions.add(new RolloutTransition(Kind.STEP_ADVANCED, reason, message));
      return RolloutState.edit(
          s,
          n -> {
            n.setStepIndex(index);
            n.setStepStartedAt(RolloutState.time(now));
            n.setPauseStartedAt(null);
          });
    }

    static boolean passedDuringStep(RolloutStatus s) {
      return judgedDuringStep(s) && s.getAnalysis().getLastVerdict() == Verdict.Pass;
    }

    static boolean judgedDuringStep(RolloutStatus s) {
      String judged = s.getAnalysis() == null ? null : s.getAnalysis().getLastJudgedAt();
      // Strictly after: the judgement that completed the previous step says nothing of this weight.
      return judged != null
          && RolloutState.instant(judged).isAfter(RolloutState.instant(s.getStepStartedAt()));
    }

    /** Where requests go at the status's weight, mirror and header route. */
    Traffic traffic(RolloutStatus s) {
      return router.traffic(
          stable, target, s.getDesiredWeight(), s.getMirrorPercent(), s.getHeaderRoute());
    }

    CanaryReplicas.Split split(RolloutStatus s) {
      int total = in.autoscaled() ? stableObs().replicas() : in.replicas();
      return router.split(s.getDesiredWeight(), total, in.autoscaled());
    }

    String podsLine(CanaryReplicas.Split split) {
      VersionObservation c = canaryObs();
      return (c == null ? 0 : c.readyReplicas())
          + "/"
          + split.canary()
          + " pods of "
          + target
          + " ready";
    }

    VersionObservation stableObs() {
      return in.observed().get(stable);
    }

    VersionObservation canaryObs() {
      return in.observed().get(target);
    }

    int stepNumber(RolloutStatus s) {
      return Math.min(s.getStepIndex(), Math.max(0, steps.size() - 1)) + 1;
    }
  }
}
