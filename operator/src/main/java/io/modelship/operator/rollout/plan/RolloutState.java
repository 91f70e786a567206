package io.modelship.operator.rollout.plan;

import io.modelship.api.v1alpha1.spec.CanaryStep;
import io.modelship.api.v1alpha1.spec.RolloutStrategy;
import io.modelship.api.v1alpha1.status.AnalysisStatus;
import io.modelship.api.v1alpha1.status.Measurement;
import io.modelship.api.v1alpha1.status.RolloutOutcome;
import io.modelship.api.v1alpha1.status.RolloutRecord;
import io.modelship.api.v1alpha1.status.RolloutStatus;
import io.modelship.operator.rollout.traffic.Traffic;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * Building, copying and migrating {@code status.rollout} records; planners never mutate what they
 * were given, each change makes a new record ({@link #edit}).
 */
public final class RolloutState {

  private RolloutState() {}

  public static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  public static Instant instant(String time) {
    return time == null ? null : Instant.parse(time);
  }

  /** A new rollout of {@code version} from {@code from}, its analysis window starting now. */
  public static RolloutStatus fresh(
      RolloutStrategy strategy, String version, String from, String stepsHash, RolloutInputs in) {
    var s = new RolloutStatus();
    s.setStrategy(strategy);
    s.setVersion(version);
    s.setFromVersion(from);
    s.setStartedAt(time(in.now()));
    s.setStepIndex(strategy == RolloutStrategy.Canary ? 0 : null);
    s.setStepsHash(stepsHash);
    s.setStepStartedAt(time(in.now()));
    s.setDesiredWeight(0);
    s.setActualWeight(0);
    s.setHandledTokens(
        in.previous() == null
            ? in.control().handledAll()
            : ManualControl.copy(in.previous().getHandledTokens()));
    var analysis = new AnalysisStatus();
    analysis.setPassed(0);
    analysis.setFailed(0);
    analysis.setInconclusive(0);
    analysis.setWindowStartedAt(time(in.now()));
    s.setAnalysis(analysis);
    return s;
  }

  /** The record of a version that simply serves: only the handled tokens matter. */
  public static RolloutStatus settled(RolloutStrategy strategy, String version, RolloutInputs in) {
    RolloutStatus prev = in.previous();
    if (prev != null && version.equals(prev.getVersion()) && prev.getStrategy() == strategy) {
      var kept = copy(prev);
      kept.setHandledTokens(in.control().spent(prev.getHandledTokens()));
      return kept;
    }
    var s = new RolloutStatus();
    s.setStrategy(strategy);
    s.setVersion(version);
    s.setHandledTokens(in.control().spent(prev == null ? null : prev.getHandledTokens()));
    return s;
  }

  /** A copy of {@code s} with {@code change} applied; {@code s} itself stays as it was. */
  public static RolloutStatus edit(RolloutStatus s, Consumer<RolloutStatus> change) {
    RolloutStatus next = copy(s);
    change.accept(next);
    return next;
  }

  public static RolloutStatus copy(RolloutStatus p) {
    var s = new RolloutStatus();
    s.setStrategy(p.getStrategy());
    s.setVersion(p.getVersion());
    s.setFromVersion(p.getFromVersion());
    s.setStartedAt(p.getStartedAt());
    s.setStepIndex(p.getStepIndex());
    s.setStepsHash(p.getStepsHash());
    s.setStepStartedAt(p.getStepStartedAt());
    s.setPauseStartedAt(p.getPauseStartedAt());
    s.setDesiredWeight(p.getDesiredWeight());
    s.setActualWeight(p.getActualWeight());
    s.setMirrorPercent(p.getMirrorPercent());
    if (p.getHeaderRoute() != null) {
      s.setHeaderRoute(
          Traffic.headerRoute(p.getHeaderRoute().getName(), p.getHeaderRoute().getValue()));
    }
    s.setActiveVersion(p.getActiveVersion());
    s.setPreviewVersion(p.getPreviewVersion());
    s.setPreviewReadyAt(p.getPreviewReadyAt());
    s.setPromotionDecidedAt(p.getPromotionDecidedAt());
    s.setSwitchedAt(p.getSwitchedAt());
    s.setHandledTokens(ManualControl.copy(p.getHandledTokens()));
    s.setOutcome(p.getOutcome());
    s.setAbortReason(p.getAbortReason());
    if (p.getAnalysis() != null) {
      AnalysisStatus a = p.getAnalysis();
      var b = new AnalysisStatus();
      b.setPassed(a.getPassed());
      b.setFailed(a.getFailed());
      b.setInconclusive(a.getInconclusive());
      b.setLastVerdict(a.getLastVerdict());
      b.setMessage(a.getMessage());
      b.setLastJudgedAt(a.getLastJudgedAt());
      b.setWindowStartedAt(a.getWindowStartedAt());
      b.setMeasurements(a.getMeasurements() == null ? null : new ArrayList<>(a.getMeasurements()));
      s.setAnalysis(b);
    }
    return s;
  }

  /**
   * A copy of {@code p} in today's shape. Blue-green statuses written before {@code previewReadyAt}
   * and {@code promotionDecidedAt} existed kept that state in canary fields: {@code pauseStartedAt}
   * held when the preview became ready, and {@code desiredWeight} 100 meant promotion was decided
   * (at {@code stepStartedAt}, which was set in the same reconcile).
   */
  public static RolloutStatus current(RolloutStatus p) {
    RolloutStatus s = copy(p);
    if (p.getStrategy() == RolloutStrategy.BlueGreen
        && p.getPreviewReadyAt() == null
        && p.getPromotionDecidedAt() == null) {
      s.setPreviewReadyAt(p.getPauseStartedAt());
      s.setPauseStartedAt(null);
      if (p.getDesiredWeight() != null && p.getDesiredWeight() >= 100) {
        s.setPromotionDecidedAt(p.getStepStartedAt());
      }
    }
    return s;
  }

  /** Keeps the latest {@code limit} measurements, oldest first. */
  static List<Measurement> bounded(List<Measurement> previous, List<Measurement> added, int limit) {
    var all = new ArrayList<Measurement>(previous == null ? List.of() : previous);
    all.addAll(added);
    return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
  }

  /** Hash of the step list as JSON-ish text: any edit of a step changes it. */
  public static String stepsHash(List<CanaryStep> steps) {
    var text = new StringBuilder();
    for (CanaryStep step : steps == null ? List.<CanaryStep>of() : steps) {
      text.append(describe(step)).append('\n');
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A step as people read it: {@code setWeight 10}, {@code pause 2m}, {@code pause until promoted}.
   */
  public static String describe(CanaryStep step) {
    if (step.getSetWeight() != null) {
      return "setWeight " + step.getSetWeight();
    }
    if (step.getPause() != null) {
      return step.getPause().getDuration() == null
          ? "pause until promoted"
          : "pause " + step.getPause().getDuration();
    }
    if (step.getSetMirror() != null) {
      return "setMirror " + step.getSetMirror().getPercent() + "%";
    }
    if (step.getSetHeaderRoute() != null) {
      return "setHeaderRoute "
          + step.getSetHeaderRoute().getName()
          + "="
          + step.getSetHeaderRoute().getValue();
    }
    return "empty step";
  }

  /** A history entry for the target version. */
  public static RolloutRecord record(
      String version, RolloutOutcome outcome, String message, RolloutInputs in) {
    var r = new RolloutRecord();
    r.setVersion(version);
    r.setUri(in.model().uri());
    r.setUriFrom(in.model().uriFrom());
    r.setSha256(in.model().sha256());
    r.setOutcome(outcome);
    r.setTime(time(in.now()));
    r.setMessage(message);
    return r;
  }
}
