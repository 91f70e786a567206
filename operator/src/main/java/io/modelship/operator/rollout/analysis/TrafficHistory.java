package io.modelship.operator.rollout.analysis;

import java.time.Instant;
import java.util.List;

/**
 * What the operator knows of each version's traffic over time, as the analysis reads it: the
 * traffic from a point in time until now, and the points a window can start at. Built from the
 * pods' cumulative reports (see {@code io.modelship.operator.reports.ReportHistory}).
 */
public interface TrafficHistory {

  /** Nothing known: every window is empty. */
  TrafficHistory NONE =
      new TrafficHistory() {
        @Override
        public AnalysisWindow window(String version, Instant from, Instant now) {
          return AnalysisWindow.empty(from, now);
        }

        @Override
        public List<Instant> startsBetween(Instant floor, Instant from) {
          return List.of();
        }
      };

  /**
   * The traffic of {@code version} from the last recorded point at or before {@code from} (the
   * first point when none is that old) until now.
   */
  AnalysisWindow window(String version, Instant from, Instant now);

  /**
   * Recorded points at or after {@code floor} and before {@code from}, newest first: where a
   * widened window may start.
   */
  List<Instant> startsBetween(Instant floor, Instant from);
}
