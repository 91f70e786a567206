package io.modelship.runtime.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.drift.DriftStatistic;
import io.modelship.drift.DriftStatus;
import io.modelship.drift.DriftThresholds;
import io.modelship.drift.ReferenceBins;
import io.modelship.runtime.TestModels;
import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.training.LabeledTable;
import io.modelship.runtime.training.ReferenceProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The false-alarm experiment that chose {@link DriftThresholds#DEFAULT_DRIFT_MIN_SAMPLES} and
 * {@link DriftThresholds#DEFAULT_ACCURACY_MIN_SAMPLES}: traffic drawn from the package's own
 * reference (so nothing has drifted) must read Normal in at least 99% of windows at the default
 * settings. Fixed seed; the figures are printed and recorded in the serving-runtime README.
 */
class FalseAlarmExperimentTest {

  static final long SEED = 20261201L;
  static final int TRIALS = 300;
  static final int WINDOW = 1000;
  static final int[] CANDIDATES = {50, 100, 200, 300, 500};

  /**
   * Features and prediction reference of a package, as {@code serve} builds its monitor from them.
   */
  record Reference(
      String name, List<String> names, List<ReferenceBins> bins, double[] predictions) {}

  static Reference iris() {
    ModelManifest m = TestModels.irisManifest();
    return reference(
        "iris (4 features, nearest centroid)",
        m.featureNames(),
        m.reference(),
        m.labels().stream()
            .mapToDouble(l -> m.reference().predictions().getOrDefault(l, 0.0))
            .toArray());
  }

  /**
   * The 20-feature example data; its labels stand in for predictions (a forest predicts ~ them).
   */
  static Reference synthetic20() {
    LabeledTable table =
        LabeledTable.read(TestModels.locate("examples/data/synthetic-20.csv"), "label", null);
    List<String> labels = table.distinctLabels();
    ModelManifest.Reference ref =
        ReferenceProfile.classification(table, table.encode(labels), labels);
    return reference(
        "synthetic-20 (20 features)",
        table.featureNames(),
        ref,
        labels.stream().mapToDouble(l -> ref.predictions().get(l)).toArray());
  }

  static Reference reference(
      String name, List<String> names, ModelManifest.Reference ref, double[] predictions) {
    List<ReferenceBins> bins = new ArrayList<>();
    for (String f : names) {
      bins.add(new ReferenceBins(ref.features().get(f).edges(), ref.features().get(f).fractions()));
    }
    return new Reference(name, names, bins, predictions);
  }

  /** A value in bin {@code b}: bin 0 is below the first edge, bin i starts at edge i-1. */
  static double valueIn(ReferenceBins bins, int b) {
    return b == 0 ? bins.edges()[0] - 1 : bins.edges()[b - 1];
  }

  static int draw(double[] fractions, SplittableRandom random) {
    double u = random.nextDouble();
    for (int b = 0; b < fractions.length - 1; b++) {
      u -= fractions[b];
      if (u < 0) {
        return b;
      }
    }
    return fractions.length - 1;
  }

  /**
   * Share of windows reading Normal: in each trial a fresh monitor takes reference rows, and its
   * status is read after every 50 rows from {@code minSamples} to a full window (the sliding window
   * afterwards scores like a full one).
   */
  static double normalShare(Reference ref, int minSamples, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long windows = 0;
    long normal = 0;
    double[] row = new double[ref.names().size()];
    for (int t = 0; t < TRIALS; t++) {
      DriftMonitor monitor =
          new DriftMonitor(
              ref.names(),
              ref.bins(),
              ref.predictions(),
              WINDOW,
              DriftThresholds.DEFAULT,
              DriftStatistic.PSI,
              minSamples);
      for (int n = 1; n <= WINDOW; n++) {
        for (int j = 0; j < row.length; j++) {
          ReferenceBins bins = ref.bins().get(j);
          row[j] = valueIn(bins, draw(bins.fractions(), random));
        }
        monitor.record(row, draw(ref.predictions(), random));
        if (n >= minSamples && (n == minSamples || n % 50 == 0)) {
          DriftStatus status = monitor.report().status();
          windows++;
          normal += status == DriftStatus.Normal ? 1 : 0;
        }
        if (n < minSamples) {
          assertThat(monitor.report().status()).isEqualTo(DriftStatus.InsufficientData);
        }
      }
    }
    return (double) normal / windows;
  }

  /**
   * Share of accuracy windows reading Normal when live accuracy is exactly the training accuracy
   * (each feedback right with probability A0), read like the drift windows.
   */
  static double accuracyNormalShare(double a0, int minSamples, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long windows = 0;
    long normal = 0;
    for (int t = 0; t < TRIALS; t++) {
      AccuracyTracker tracker = new AccuracyTracker(a0, 0.05, WINDOW + 1, WINDOW, minSamples);
      for (int n = 1; n <= WINDOW; n++) {
        tracker.remember(n, 0);
        tracker.feedback(n, random.nextDouble() < a0 ? 0 : 1);
        if (n >= minSamples && (n == minSamples || n % 50 == 0)) {
          windows++;
          normal += tracker.snapshot().status() == DriftStatus.Normal ? 1 : 0;
        }
      }
    }
    return (double) normal / windows;
  }

  @Test
  void referenceTrafficReadsNormalInAtLeast99PercentOfWindowsAtTheDefaults() {
    for (Reference ref : List.of(iris(), synthetic20())) {
      StringBuilder line =
          new StringBuilder(
              "drift false-alarm experiment, "
                  + ref.name()
                  + ", window "
                  + WINDOW
                  + ", PSI warning/alert "
                  + DriftThresholds.DEFAULT.warning()
                  + "/"
                  + DriftThresholds.DEFAULT.threshold()
                  + ", "
                  + TRIALS
                  + " trials: Normal share by minSamples");
      double atDefault = -1;
      for (int m : CANDIDATES) {
        double share = normalShare(ref, m, SEED);
        atDefault = m == DriftThresholds.DEFAULT_DRIFT_MIN_SAMPLES ? share : atDefault;
        line.append(String.format(" %d=%.4f", m, share));
      }
      System.out.println(line);
      assertThat(atDefault)
          .as(ref.name() + " at the default minSamples")
          .isGreaterThanOrEqualTo(0.99);
    }
    for (double a0 : new double[] {0.95, 0.9}) {
      StringBuilder line =
          new StringBuilder(
              "accuracy false-alarm experiment, A0 "
                  + a0
                  + ", max drop 0.05, "
                  + TRIALS
                  + " trials: Normal share by minSamples");
      double atDefault = -1;
      for (int m : CANDIDATES) {
        double share = accuracyNormalShare(a0, m, SEED);
        atDefault = m == DriftThresholds.DEFAULT_ACCURACY_MIN_SAMPLES ? share : atDefault;
        line.append(String.format(" %d=%.4f", m, share));
      }
      System.out.println(line);
      assertThat(atDefault)
          .as("accuracy, A0 " + a0 + ", at the default minSamples")
          .isGreaterThanOrEqualTo(0.99);
    }
  }
}
