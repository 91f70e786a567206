package io.modelship.operator.retraining;

import io.fabric8.kubernetes.api.model.Condition;
import io.modelship.api.retraining.RetrainJob;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.status.ModelDeploymentStatus;
import io.modelship.api.v1alpha1.status.RetrainingCandidate;
import io.modelship.api.v1alpha1.status.RetrainingOutcome;
import io.modelship.api.v1alpha1.status.RetrainingRun;
import io.modelship.api.v1alpha1.status.RetrainingStatus;
import io.modelship.api.v1alpha1.status.RetrainingTrigger;
import io.modelship.operator.dependent.EffectiveMonitoring;
import io.modelship.operator.problem.Problem;
import io.modelship.operator.status.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One reconcile's retraining decisions, as a pure function of the resource (spec, annotation, last
 * status), the status assembled in this reconcile (drift, accuracy), the Jobs as observed and the
 * time: the runs that ended, whether a run starts, which finished Jobs go, the Retraining condition
 * and when to look again.
 *
 * <p>The order: adopt a Job the status does not know (its status write was lost) → settle the
 * running run from its Job → refuse to go on when spec.retraining cannot run (the condition says
 * why) → evaluate the triggers → a running run blocks, a rollout in progress defers, the cooldown
 * defers every trigger but the manual token → start one run. A run that failed, timed out or found
 * no new data counts for the cooldown like any other, so nothing loops.
 */
public final class RetrainingPlanner {

  public static final String CONDITION = "Retraining";
  static final int RUNS_LIMIT = 10;
  static final int CANDIDATES_LIMIT = 5;
  static final int FINISHED_JOBS_KEPT = 3;

  /** A Running run whose Job is not in the cache after this long was deleted, not just slow. */
  static final Duration JOB_GRACE = Duration.ofMinutes(2);

  private RetrainingPlanner() {}

  /** A retraining Job as the cache holds it, and what it came to. */
  public record ObservedJob(
      String name,
      int number,
      Map<String, String> annotations,
      Instant created,
      JobResult result) {}

  /**
   * @param settings spec.retraining resolved; empty when spec.retraining is absent
   * @param deferred why no run may start now (a rollout in progress, a spec problem), empty when
   *     the spec's version serves alone
   */
  public record Inputs(
      ModelDeployment resource,
      ModelDeploymentStatus current,
      EffectiveMonitoring monitoring,
      Optional<EffectiveRetraining.Result> settings,
      Optional<Problem> deferred,
      List<ObservedJob> jobs,
      Instant now) {}

  /** The Retraining condition: True while a run runs. */
  public record ConditionState(String status, String reason, String message) {}

  /**
   * @param status status.retraining to record (null when there is nothing)
   * @param start the run whose Job to create
   * @param prune finished Jobs beyond the last few, to delete
   */
  public record Plan(
      RetrainingStatus status,
      Optional<ConditionState> condition,
      Optional<RetrainJobs.Run> start,
      List<String> prune,
      List<RetrainingEvent> events,
      Optional<Instant> lookAgainAt) {

    /**
     * The API server refused the Job (a quota, an admission webhook): the run is recorded as Failed
     * with the server's message and counts for the cooldown, so it is not retried in a loop.
     */
    public Plan refused(String message, Instant now) {
      RetrainJobs.Run run = start.orElseThrow();
      List<RetrainingRun> runs = new ArrayList<>(status.getRuns());
      RetrainingRun refused = copy(runs.getFirst());
      end(refused, RetrainingOutcome.Failed, "the API server refused the Job: " + message, now);
      runs.set(0, refused);
      var changed = copy(status);
      changed.setRuns(runs);
      var events = new ArrayList<RetrainingEvent>();
      for (RetrainingEvent e : this.events) {
        if (e.kind() != RetrainingEvent.Kind.STARTED) {
          events.add(e);
        }
      }
      events.add(RetrainingEvent.ended(run.trigger(), RetrainingOutcome.Failed, summary(refused)));
      return new Plan(
          changed,
          Optional.of(new ConditionState("False", "Idle", summary(refused))),
          Optional.empty(),
          prune,
          events,
          lookAgainAt);
    }
  }

  public static Plan plan(Inputs in) {
    ModelDeployment md = in.resource();
    Instant now = in.now();
    RetrainingStatus previous =
        md.getStatus() == null || md.getStatus().getRetraining() == null
            ? new RetrainingStatus()
            : md.getStatus().getRetraining();
    var runs = new ArrayList<RetrainingRun>();
    if (previous.getRuns() != null) {
      previous.getRuns().forEach(r -> runs.add(copy(r)));
    }
    var candidates =
        new ArrayList<RetrainingCandidate>(
            previous.getCandidates() == null ? List.of() : previous.getCandidates());
    var events = new ArrayList<RetrainingEvent>();
    Optional<Instant> look = Optional.empty();
    Map<String, ObservedJob> jobs =
        in.jobs().stream()
            .collect(Collectors.toMap(ObservedJob::name, Function.identity(), (a, b) -> a));
    String handled = previous.getHandledRetrainToken();

    // A Job created just before a status write that was lost: its annotations say what it is.
    int known = runs.stream().mapToInt(r -> number(md, r)).max().orElse(0);
    for (ObservedJob job :
        in.jobs().stream().sorted(Comparator.comparingInt(ObservedJob::number)).toList()) {
      if (job.number() > known) {
        runs.add(adopted(job));
        String token = job.annotations().get(RetrainJobs.ANNOTATION_TOKEN);
        if (token != null) {
          handled = token;
        }
      }
    }
    runs.sort(Comparator.comparingInt((RetrainingRun r) -> number(md, r)).reversed());

    double minImprovement =
        in.settings()
            .filter(s -> s instanceof EffectiveRetraining.Result.Valid)
            .map(s -> ((EffectiveRetraining.Result.Valid) s).retraining().minImprovement())
            .orElse(EffectiveRetraining.DEFAULT_MIN_IMPROVEMENT);
    for (RetrainingRun run : runs) {
      if (run.getOutcome() != RetrainingOutcome.Running) {
        continue;
      }
      ObservedJob job = jobs.get(run.getJob());
      if (job == null) {
        Instant deadline = time(run.getStartedAt(), now).plus(JOB_GRACE);
        if (!now.isBefore(deadline)) {
          end(
              run,
              RetrainingOutcome.Failed,
              "Job " + run.getJob() + " no longer exists: it was deleted before it finished",
              now);
          events.add(RetrainingEvent.ended(run.getTrigger(), run.getOutcome(), summary(run)));
        } else {
          look = earliest(look, deadline);
        }
        continue;
      }
      switch (job.result()) {
        case JobResult.Running stillRunning -> {}
        case JobResult.Awaiting awaiting -> look = earliest(look, awaiting.until());
        case JobResult.Ended ended -> {
          end(run, ended.outcome(), ended.reason(), ended.finishedAt());
          String message = summary(run);
          if (ended.outcome() == RetrainingOutcome.Succeeded) {
            var result = ended.result().orElseThrow();
            RetrainingCandidate candidate =
                CandidateVerdicts.of(
                    result,
                    run.getJob(),
                    run.getServingVersion(),
                    minImprovement,
                    ended.finishedAt());
            run.setCandidateVersion(result.version());
            run.setNewestRow(result.newestRow());
            candidates.removeIf(c -> result.version().equals(c.getVersion()));
            candidates.addFirst(candidate);
            message =
                "Run "
                    + run.getJob()
                    + " made candidate "
                    + result.version()
                    + ", "
                    + candidate.getVerdict()
                    + ": "
                    + candidate.getMessage();
          }
          events.add(RetrainingEvent.ended(run.getTrigger(), ended.outcome(), message));
        }
      }
    }

    List<String> prune =
        in.jobs().stream()
            .filter(j -> j.result() instanceof JobResult.Ended)
            .sorted(Comparator.comparingInt(ObservedJob::number).reversed())
            .skip(FINISHED_JOBS_KEPT)
            .map(ObservedJob::name)
            .toList();

    String driftSince = previous.getDriftAlertSince();
    String lastSchedule = previous.getLastScheduleTime();
    Optional<ConditionState> condition = Optional.empty();
    Optional<RetrainJobs.Run> start = Optional.empty();
    Optional<RetrainingRun> running =
        runs.stream().filter(r -> r.getOutcome() == RetrainingOutcome.Running).findFirst();

    if (in.settings().isPresent()) {
      switch (in.settings().get()) {
        case EffectiveRetraining.Result.Invalid invalid -> {
          var p = invalid.problem();
          condition = Optional.of(new ConditionState("False", p.reason(), p.message()));
          if (!p.reason().equals(previousReason(md))) {
            events.add(RetrainingEvent.problem(p.reason(), p.message()));
          }
        }
        case EffectiveRetraining.Result.Valid valid -> {
          EffectiveRetraining r = valid.retraining();
          var seen = copy(previous);
          seen.setHandledRetrainToken(handled);
          TriggerCheck check =
              TriggerCheck.evaluate(
                  r,
                  seen,
                  in.current(),
                  in.monitoring(),
                  Optional.ofNullable(md.getMetadata().getAnnotations())
                      .map(a -> a.get(RetrainJob.RETRAIN_ANNOTATION)),
                  md.getStatus() == null,
                  now);
          driftSince = check.driftAlertSince();
          lastSchedule = check.lastScheduleTime();
          handled = check.handledToken();
          if (check.nextCheck().isPresent()) {
            look = earliest(look, check.nextCheck().get());
          }
          if (running.isPresent()) {
            condition = Optional.of(runningCondition(running.get()));
          } else if (check.due().isEmpty()) {
            condition = Optional.of(new ConditionState("False", "Idle", idle(runs, r)));
          } else {
            TriggerCheck.Due due = check.due().getFirst();
            Optional<Instant> cooldownEnd =
                runs.stream()
                    .findFirst()
                    .map(last -> time(last.getStartedAt(), now).plus(r.cooldown()));
            if (in.deferred().isPresent()) {
              condition =
                  Optional.of(
                      new ConditionState(
                          "False",
                          in.deferred().get().reason(),
                          due.trigger()
                              + " trigger due; a run starts once "
                              + in.deferred().get().message()));
            } else if (due.trigger() != RetrainingTrigger.Manual
                && cooldownEnd.isPresent()
                && now.isBefore(cooldownEnd.get())) {
              look = earliest(look, cooldownEnd.get());
              condition =
                  Optional.of(
                      new ConditionState(
                          "False",
                          "Cooldown",
                          due.trigger()
                              + " trigger due; no run before "
                              + TriggerCheck.seconds(cooldownEnd.get())
                              + " (cooldown "
                              + RetrainingDurations.format(r.cooldown())
                              + " after run "
                              + runs.getFirst().getJob()
                              + " started)"));
            } else {
              int number =
                  Math.max(
                          known,
                          Math.max(
                              runs.stream().mapToInt(x -> number(md, x)).max().orElse(0),
                              in.jobs().stream().mapToInt(ObservedJob::number).max().orElse(0)))
                      + 1;
              String serving = md.getSpec().getModel().getVersion();
              var run =
                  new RetrainJobs.Run(
                      number,
                      due.trigger(),
                      due.message(),
                      due.token(),
                      serving,
                      RetrainJobs.candidateVersion(serving, number),
                      newerThan(runs));
              start = Optional.of(run);
              RetrainingRun record = started(md, run, now);
              runs.addFirst(record);
              if (due.token().isPresent()) {
                handled = due.token().get();
              }
              if (check.scheduleSlot().isPresent()) {
                lastSchedule = TriggerCheck.seconds(check.scheduleSlot().get());
              }
              events.add(
                  RetrainingEvent.started(
                      due.trigger(),
                      "Started retraining run "
                          + record.getJob()
                          + " ("
                          + due.trigger()
                          + ": "
                          + due.message()
                          + ")"));
              condition = Optional.of(runningCondition(record));
            }
          }
        }
      }
    }

    var status = new RetrainingStatus();
    status.setRuns(
        runs.isEmpty() ? null : List.copyOf(runs.subList(0, Math.min(RUNS_LIMIT, runs.size()))));
    status.setCandidates(
        candidates.isEmpty()
            ? null
            : List.copyOf(candidates.subList(0, Math.min(CANDIDATES_LIMIT, candidates.size()))));
    status.setDriftAlertSince(driftSince);
    status.setLastScheduleTime(lastSchedule);
    status.setHandledRetrainToken(handled);
    boolean empty =
        status.getRuns() == null
            && status.getCandidates() == null
            && driftSince == null
            && lastSchedule == null
            && handled == null;
    return new Plan(empty ? null : status, condition, start, prune, List.copyOf(events), look);
  }

  private static ConditionState runningCondition(RetrainingRun run) {
    return new ConditionState(
        "True",
        "Running",
        "Run "
            + run.getJob()
            + " ("
            + run.getTrigger()
            + ") running since "
            + run.getStartedAt()
            + ": "
            + run.getTriggerMessage());
  }

  private static String idle(List<RetrainingRun> runs, EffectiveRetraining r) {
    if (runs.isEmpty()) {
      var triggers = new ArrayList<String>();
      r.drift()
          .ifPresent(
              d ->
                  triggers.add(
                      "drift at Alert on at least "
                          + d.features()
                          + " features for "
                          + RetrainingDurations.format(d.forDuration())));
      r.accuracyDrop().ifPresent(d -> triggers.add("an accuracy drop of more than " + d));
      r.schedule().ifPresent(s -> triggers.add("schedule '" + s + "' (UTC)"));
      triggers.add("a new token in annotation " + RetrainJob.RETRAIN_ANNOTATION);
      return "No run yet; a run starts on " + String.join(", ", triggers);
    }
    return "Last " + summary(runs.getFirst());
  }

  /** E.g. "run iris-retrain-3 (Drift) ended TimedOut at 2026-…: ran longer than …". */
  static String summary(RetrainingRun run) {
    return "run "
        + run.getJob()
        + " ("
        + run.getTrigger()
        + ") ended "
        + run.getOutcome()
        + " at "
        + run.getFinishedAt()
        + ": "
        + run.getReason();
  }

  private static RetrainingRun started(ModelDeployment md, RetrainJobs.Run run, Instant now) {
    var record = new RetrainingRun();
    record.setJob(RetrainJobs.jobName(md, run.number()));
    record.setTrigger(run.trigger());
    record.setTriggerMessage(run.triggerMessage());
    record.setServingVersion(run.servingVersion());
    record.setStartedAt(TriggerCheck.seconds(now));
    record.setOutcome(RetrainingOutcome.Running);
    return record;
  }

  private static RetrainingRun adopted(ObservedJob job) {
    var record = new RetrainingRun();
    record.setJob(job.name());
    Map<String, String> a = job.annotations();
    record.setTrigger(trigger(a.get(RetrainJobs.ANNOTATION_TRIGGER)));
    record.setTriggerMessage(a.get(RetrainJobs.ANNOTATION_TRIGGER_MESSAGE));
    record.setServingVersion(a.get(RetrainJobs.ANNOTATION_SERVING_VERSION));
    record.setStartedAt(TriggerCheck.seconds(job.created()));
    record.setOutcome(RetrainingOutcome.Running);
    return record;
  }

  private static RetrainingTrigger trigger(String name) {
    for (RetrainingTrigger t : RetrainingTrigger.values()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    return RetrainingTrigger.Manual;
  }

  private static void end(RetrainingRun run, RetrainingOutcome outcome, String reason, Instant at) {
    run.setOutcome(outcome);
    run.setReason(reason);
    run.setFinishedAt(TriggerCheck.seconds(at));
  }

  /** The newest row the last successful run used: the next run needs newer rows. */
  private static Optional<String> newerThan(List<RetrainingRun> runs) {
    return runs.stream()
        .filter(r -> r.getOutcome() == RetrainingOutcome.Succeeded && r.getNewestRow() != null)
        .map(RetrainingRun::getNewestRow)
        .findFirst();
  }

  private static int number(ModelDeployment md, RetrainingRun run) {
    return RetrainJobs.number(md, run.getJob()).orElse(0);
  }

  private static String previousReason(ModelDeployment md) {
    return md.getStatus() == null
        ? null
        : Conditions.find(md.getStatus().getConditions(), CONDITION)
            .map(Condition::getReason)
            .orElse(null);
  }

  private static Instant time(String text, Instant fallback) {
    try {
      return text == null ? fallback : Instant.parse(text);
    } catch (RuntimeException e) {
      return fallback;
    }
  }

  private static Optional<Instant> earliest(Optional<Instant> a, Instant b) {
    return Optional.of(a.filter(x -> x.isBefore(b)).orElse(b));
  }

  static RetrainingRun copy(RetrainingRun r) {
    var c = new RetrainingRun();
    c.setJob(r.getJob());
    c.setTrigger(r.getTrigger());
    c.setTriggerMessage(r.getTriggerMessage());
    c.setServingVersion(r.getServingVersion());
    c.setStartedAt(r.getStartedAt());
    c.setFinishedAt(r.getFinishedAt());
    c.setOutcome(r.getOutcome());
    c.setReason(r.getReason());
    c.setCandidateVersion(r.getCandidateVersion());
    c.setNewestRow(r.getNewestRow());
    return c;
  }

  static RetrainingStatus copy(RetrainingStatus s) {
    var c = new RetrainingStatus();
    c.setRuns(s.getRuns());
    c.setCandidates(s.getCandidates());
    c.setDriftAlertSince(s.getDriftAlertSince());
    c.setLastScheduleTime(s.getLastScheduleTime());
    c.setHandledRetrainToken(s.getHandledRetrainToken());
    return c;
  }
}
