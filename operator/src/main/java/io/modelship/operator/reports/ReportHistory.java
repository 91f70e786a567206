package io.modelship.operator.reports;

import io.modelship.api.v1alpha1.report.BinnedCounts;
import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
import io.modelship.drift.DriftReport;
import io.modelship.drift.DriftThresholds;
import io.modelship.drift.Histogram;
import io.modelship.drift.ReferenceBins;
import io.modelship.operator.rollout.analysis.AnalysisWindow;
import io.modelship.operator.rollout.analysis.TrafficHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * One ModelDeployment's traffic per version over time, from its pods' cumulative reports, the way
 * Prometheus reads counters: per pod only its last report is kept; a counter that went down (or a
 * new {@code startTime}) means the pod restarted, so its current value is the increase; per version
 * the increases add up to monotonic totals; and a bounded list of timestamped points of those
 * totals lets the traffic between any point and now be read as a difference. Pure: time comes in.
 *
 * <p>A pod seen for the first time brings all it counted since it started; those counts belong to
 * the span before the first point they appear in, so an analysis window (a difference of points)
 * covers only traffic seen while the history existed. The history lives in the operator's memory:
 * after an operator restart it starts again at the first reports seen.
 *
 * <p>Memory: one point is one {@link Counts} per version (a 200-feature model is ~16 KB), at most
 * {@link #MAX_POINTS} points; when full, every other point of the older half is dropped, so recent
 * points stay dense and older ones thin out rather than disappear.
 */
public final class ReportHistory {

  public static final int MAX_POINTS = 96;

  private record Pod(String version, String startTime, Counts last) {}

  /** The bins' reference of a version, to score its histograms. */
  private record Bins(
      List<String> names, List<ReferenceBins> references, ReferenceBins prediction) {}

  /** The totals of every version at one instant. */
  private record Point(Instant time, Map<String, Counts> totals) {}

  private final Map<String, Pod> pods = new HashMap<>();
  private final Map<String, Counts> totals = new TreeMap<>();
  private final Map<String, Bins> bins = new HashMap<>();
  private final Map<String, String> problems = new HashMap<>();
  private final List<Point> points = new ArrayList<>();
  private Instant lastSeen = Instant.MIN;

  /**
   * Takes in the reports now live (by pod), adding each pod's increase since its last report to its
   * version's totals. A point is recorded when {@code spacing} has passed since the last one.
   */
  public synchronized void observe(
      Map<String, RuntimeReportSpec> reports, Instant now, Duration spacing) {
    lastSeen = now;
    for (var entry : new TreeMap<>(reports).entrySet()) {
      RuntimeReportSpec r = entry.getValue();
      if (r == null || r.getVersion() == null) {
        continue;
      }
      Counts counts = Counts.of(r);
      Pod before = pods.get(entry.getKey());
      if (before != null
          && before.version().equals(r.getVersion())
          && Objects.equals(before.startTime(), r.getStartTime())
          && before.last().hasFeatures()
          && !counts.hasFeatures()) {
        // Not joined with its reference this time (e.g. the reference is being put back): the pod
        // did not restart, so it is counted from its last joined report once it can be joined
        // again.
        continue;
      }
      Counts increase;
      if (before == null || !before.version().equals(r.getVersion())) {
        increase = counts;
      } else if (!Objects.equals(before.startTime(), r.getStartTime())
          || counts.restartedSince(before.last())) {
        increase = counts; // restarted: everything it counted is new
      } else {
        increase = counts.increaseSince(before.last());
      }
      pods.put(entry.getKey(), new Pod(r.getVersion(), r.getStartTime(), counts));
      add(r.getVersion(), increase);
      learnBins(r);
    }
    pods.keySet().retainAll(reports.keySet());
    var live = new java.util.HashSet<String>();
    pods.values().forEach(p -> live.add(p.version()));
    totals
        .keySet()
        .removeIf(
            v -> !live.contains(v) && points.stream().noneMatch(p -> p.totals().containsKey(v)));
    if (points.isEmpty() || !now.isBefore(points.getLast().time().plus(spacing))) {
      points.add(new Point(now, Map.copyOf(totals)));
      if (points.size() > MAX_POINTS) {
        thin();
      }
    }
  }

  /** When this history last took in reports; a history not fed for a while can be dropped. */
  public synchronized Instant lastSeen() {
    return lastSeen;
  }

  private void add(String version, Counts increase) {
    Counts total = totals.get(version);
    if (total == null) {
      totals.put(version, increase);
      return;
    }
    if (total.hasBins() && increase.hasBins() && !total.sameShape(increase)) {
      problems.put(version, "pods of " + version + " report bins of different shapes");
    }
    totals.put(version, total.plus(increase));
  }

  private void learnBins(RuntimeReportSpec r) {
    if (bins.containsKey(r.getVersion())
        || r.getPrediction() == null
        || r.getPrediction().getReference() == null) {
      return;
    }
    try {
      var features =
          new TreeMap<String, BinnedCounts>(Objects.requireNonNullElse(r.getFeatures(), Map.of()));
      if (features.isEmpty()) {
        return; // not joined with its reference object yet: learn the bins from a report that is
      }
      var names = new ArrayList<String>();
      var refs = new ArrayList<ReferenceBins>();
      for (var e : features.entrySet()) {
        if (e.getValue().getReference() == null || e.getValue().getReference().isEmpty()) {
          return; // not joined with its reference object yet
        }
        names.add(e.getKey());
        refs.add(ReportAggregation.reference(e.getKey(), e.getValue()));
      }
      bins.put(
          r.getVersion(),
          new Bins(names, refs, ReportAggregation.reference("prediction", r.getPrediction())));
      problems.remove(r.getVersion());
    } catch (IllegalArgumentException e) {
      problems.put(r.getVersion(), e.getMessage());
    }
  }

  /** Drops every other point of the older half; the newest half keeps its resolution. */
  private void thin() {
    int half = points.size() / 2;
    var kept = new ArrayList<Point>();
    for (int i = 0; i < points.size(); i++) {
      if (i >= half || i % 2 == 0) {
        kept.add(points.get(i));
      }
    }
    points.clear();
    points.addAll(kept);
  }

  private Counts at(Point point, String version) {
    return point.totals().getOrDefault(version, Counts.ZERO);
  }

  private Counts current(String version) {
    return totals.getOrDefault(version, Counts.ZERO);
  }

  /** The last point at or before {@code from}, the first one when none is that old. */
  private Optional<Point> base(Instant from) {
    Point found = null;
    for (Point p : points) {
      if (!p.time().isAfter(from)) {
        found = p;
      }
    }
    return Optional.ofNullable(found)
        .or(() -> points.isEmpty() ? Optional.empty() : Optional.of(points.getFirst()));
  }

  /** Why the version's bins cannot be scored, if they cannot. */
  public synchronized Optional<String> problem(String version) {
    return Optional.ofNullable(problems.get(version));
  }

  /**
   * The version's traffic over the shortest trailing span that satisfies {@code enough}, going back
   * point by point; when no span in the history does, everything its pods counted since they
   * started (which includes traffic from before the history). For status figures.
   */
  public synchronized Optional<Span> trailing(String version, Predicate<Counts> enough) {
    if (!totals.containsKey(version)) {
      return Optional.empty();
    }
    Counts now = current(version);
    for (int i = points.size() - 1; i >= 0; i--) {
      Counts diff = now.minus(at(points.get(i), version));
      if (enough.test(diff)) {
        return Optional.of(new Span(points.get(i).time(), diff));
      }
    }
    return Optional.of(new Span(null, now));
  }

  /** Traffic since {@code from} ({@code null}: since the pods started). */
  public record Span(Instant from, Counts counts) {}

  /**
   * Drift of some counts of {@code version} against its package's reference; empty without bins or
   * rows.
   */
  public synchronized Optional<DriftReport> drift(
      String version, Counts counts, DriftThresholds thresholds) {
    Bins b = bins.get(version);
    if (b == null || !counts.hasBins() || counts.rows() == 0 || !b.names().equals(counts.names())) {
      return Optional.empty();
    }
    try {
      var histograms = counts.features().stream().map(Histogram::of).toList();
      return Optional.of(
          DriftReport.score(
              b.names(),
              b.references(),
              histograms,
              b.prediction(),
              Histogram.of(counts.predictions()),
              thresholds));
    } catch (IllegalArgumentException e) {
      problems.put(version, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The history as the rollout planners read it.
   *
   * @param thresholds drift levels to score windows with
   * @param score the drift score of a report as the status computes it (PSI or KS)
   */
  public TrafficHistory view(DriftThresholds thresholds, ToDoubleFunction<DriftReport> score) {
    return new TrafficHistory() {
      @Override
      public AnalysisWindow window(String version, Instant from, Instant now) {
        synchronized (ReportHistory.this) {
          Optional<Point> base = base(from);
          if (base.isEmpty() || !totals.containsKey(version)) {
            return AnalysisWindow.empty(from, now);
          }
          Counts d = current(version).minus(at(base.get(), version));
          Optional<DriftReport> drift = drift(version, d, thresholds);
          return new AnalysisWindow(
              base.get().time(),
              now,
              d.requests(),
              d.errors(),
              d.latency(),
              d.labelled(),
              d.correct(),
              drift.map(score::applyAsDouble).orElse(null),
              drift.map(DriftReport::samples).orElse(0L),
              d.hasBins() && d.rows() > 0
                  ? Optional.of(Histogram.of(d.predictions()))
                  : Optional.empty());
        }
      }

      @Override
      public List<Instant> startsBetween(Instant floor, Instant from) {
        synchronized (ReportHistory.this) {
          return points.reversed().stream()
              .map(Point::time)
              .filter(t -> !t.isBefore(floor) && t.isBefore(from))
              .toList();
        }
      }
    };
  }
}
