package io.modelship.runtime.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelship.drift.DriftStatistic;
import io.modelship.drift.DriftStatus;
import io.modelship.drift.DriftThresholds;
import io.modelship.drift.FeatureDrift;
import io.modelship.drift.Histogram;
import io.modelship.drift.ReferenceBins;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DriftMonitorTest {

  private static final List<String> NAMES = List.of("f0", "f1", "f2", "f3");
  private static final double[] BALANCED_LABELS = {0.5, 0.5};

  /** Four standard-normal features binned into deciles of a 5000-row training sample. */
  private static List<ReferenceBins> trainingReferences() {
    var random = new Random(1);
    var references = new ArrayList<ReferenceBins>();
    for (int f = 0; f < NAMES.size(); f++) {
      double[] column = new double[5000];
      Arrays.setAll(column, i -> random.nextGaussian());
      references.add(ReferenceBins.fromSample(column, 10));
    }
    return references;
  }

  @Test
  void aBatchIsCountedAsItsRowsOneByOneWouldBe() {
    // One feature with edges 0 and 1 (bins (-inf,0), [0,1), [1,inf)), two labels, a window of 3
    // rows.
    List<ReferenceBins> one =
        List.of(new ReferenceBins(new double[] {0, 1}, new double[] {0.3, 0.4, 0.3}));
    var monitor =
        new DriftMonitor(
            List.of("x"), one, BALANCED_LABELS, 3, DriftThresholds.DEFAULT, DriftStatistic.PSI);
    monitor.recordAll(
        new double[][] {{-5}, {0.5}, {Double.NaN}, {7}, {0.2}}, new int[] {0, 1, 1, 1, 0});

    // The NaN row is ignored; of the other four the window keeps the last three: 0.5, 7, 0.2.
    assertThat(monitor.ignoredRows()).isEqualTo(1);
    assertThat(monitor.recordedRows()).isEqualTo(4);
    assertThat(monitor.window().features().getFirst().counts()).containsExactly(0, 2, 1);
    assertThat(monitor.window().predictions().counts()).containsExactly(1, 2);
    assertThat(monitor.cumulative().features().getFirst().counts()).containsExactly(1, 2, 1);
    assertThat(monitor.cumulative().predictions().counts()).containsExactly(2, 2);

    // A row after the batch evicts the batch's oldest still in the window (0.5, predicted 1).
    monitor.record(new double[] {-1}, 0);
    assertThat(monitor.window().features().getFirst().counts()).containsExactly(1, 1, 1);
    assertThat(monitor.window().predictions().counts()).containsExactly(2, 1);
  }

  @Test
  void aBatchBinsEveryValueAsTheReferenceBinsDo() {
    // Values on the edges (bins are [edge, next edge)), -0.0 against an edge at 0, and 9 edges
    // as packages have them, one feature per case, each row predicted 0.
    double[] edges = {-2, -1, -0.5, 0, 0.25, 0.5, 1, 2, 3};
    double[] fractions = new double[edges.length + 1];
    Arrays.fill(fractions, 1.0 / fractions.length);
    var reference = new ReferenceBins(edges, fractions);
    double[] values = {
      -9, -2, -1.5, -1, -0.5, -0.0, 0.0, 0.1, 0.25, 0.5, 0.75, 1, 2, 2.5, 3, 1e300
    };
    var monitor =
        new DriftMonitor(
            List.of("x"),
            List.of(reference),
            BALANCED_LABELS,
            values.length,
            DriftThresholds.DEFAULT,
            DriftStatistic.PSI);
    double[][] rows = new double[values.length][];
    long[] expected = new long[fractions.length];
    for (int i = 0; i < values.length; i++) {
      rows[i] = new double[] {values[i]};
      expected[reference.binOf(values[i])]++;
    }
    monitor.recordAll(rows, new int[values.length]);
    assertThat(monitor.window().features().getFirst().counts()).containsExactly(expected);
    // By hand: -9 | -2, -1.5 | -1 | -0.5 | -0.0, 0.0, 0.1 (-0.0 is on the edge 0, as binOf has it)
    // | 0.25
    // | 0.5, 0.75 | 1 | 2, 2.5 | 3, 1e300.
    assertThat(expected).containsExactly(1, 2, 1, 1, 3, 1, 2, 1, 2, 2);
  }

  @Test
  void aBatchWithABadRowRecordsNone() {
    var monitor = new DriftMonitor(NAMES, trainingReferences(), BALANCED_LABELS);
    assertThatThrownBy(
            () -> monitor.recordAll(new double[][] {{0, 0, 0, 0}, {0, 0, 0}}, new int[] {0, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 4 feature values, got 3");
    assertThatThrownBy(() -> monitor.recordAll(new double[][] {{0, 0, 0, 0}}, new int[] {2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("predicted label index 2");
    assertThat(monitor.recordedRows()).isZero();
  }

  @Test
  void trafficLikeTheTrainingDataIsNormal() {
    var monitor = new DriftMonitor(NAMES, trainingReferences(), BALANCED_LABELS);
    var random = new Random(2);

    for (int i = 0; i < 1000; i++) {
      monitor.record(gaussianRow(random, -1, 0), i % 2);
    }
    var report = monitor.report();

    assertThat(report.samples()).isEqualTo(1000);
    assertThat(report.status()).isEqualTo(DriftStatus.Normal);
    assertThat(report.score()).isLessThan(0.1);
    assertThat(report.features()).extracting(FeatureDrift::status).containsOnly(DriftStatus.Normal);
    assertThat(report.prediction().psi()).isZero();
  }

  @Test
  void onlyTheShiftedFeatureIsFlagged() {
    var monitor = new DriftMonitor(NAMES, trainingReferences(), BALANCED_LABELS);
    var random = new Random(3);

    for (int i = 0; i < 1000; i++) {
      monitor.record(gaussianRow(random, 2, 5.0), i % 2);
    }
    var report = monitor.report();

    assertThat(report.features())
        .extracting(FeatureDrift::status)
        .containsExactly(
            DriftStatus.Normal, DriftStatus.Normal, DriftStatus.Alert, DriftStatus.Normal);
    assertThat(report.status()).isEqualTo(DriftStatus.Alert);
    assertThat(report.score()).isEqualTo(report.features().get(2).psi());
    // Shifted by five standard deviations, nearly every row lands in the top bin.
    assertThat(report.features().get(2).ks()).isGreaterThan(0.85);
    assertThat(report.prediction().status()).isEqualTo(DriftStatus.Normal);
  }

  @Test
  void windowHoldsExactlyTheLastRows() {
    var bins = new ReferenceBins(new double[] {1, 2, 3}, new double[] {0.25, 0.25, 0.25, 0.25});
    var monitor =
        new DriftMonitor(
            List.of("x"),
            List.of(bins),
            new double[] {0.5, 0.5},
            5,
            DriftThresholds.DEFAULT,
            DriftStatistic.PSI);
    double[] values = {0.5, 1.5, 2.5, 3.5, 1.0, 2.0, 3.0, 0.0, 0.0, 9.0, 1.1, 2.2};
    int[] labels = {0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 0, 1};

    for (int i = 0; i < values.length; i++) {
      monitor.record(new double[] {values[i]}, labels[i]);

      int from = Math.max(0, i + 1 - 5);
      double[] lastValues = Arrays.copyOfRange(values, from, i + 1);
      long[] lastLabels = new long[2];
      IntStream.rangeClosed(from, i).forEach(j -> lastLabels[labels[j]]++);
      var window = monitor.window();
      assertThat(window.features()).containsExactly(bins.histogramOf(lastValues));
      assertThat(window.predictions()).isEqualTo(Histogram.of(lastLabels));
    }
    // The last five values 0.0, 0.0, 9.0, 1.1, 2.2 fall in bins 0, 0, 3, 1, 2; labels 1, 1, 0, 0,
    // 1.
    assertThat(monitor.featureHistograms()).containsExactly(Histogram.of(2, 1, 1, 1));
    assertThat(monitor.predictionHistogram()).isEqualTo(Histogram.of(2, 3));
    assertThat(monitor.recordedRows()).isEqualTo(12);
    // What the pod reports: every row since start, evicted ones included.
    assertThat(monitor.cumulative().features()).containsExactly(bins.histogramOf(values));
    assertThat(monitor.cumulative().predictions()).isEqualTo(Histogram.of(5, 7));
  }

  @Test
  void rowsWithNaNOrInfinityAreIgnored() {
    var monitor = new DriftMonitor(NAMES, trainingReferences(), BALANCED_LABELS);

    monitor.record(new double[] {0, 0, 0, 0}, 0);
    monitor.record(new double[] {0, Double.NaN, 0, 0}, 0);
    monitor.record(new double[] {0, 0, 0, Double.NEGATIVE_INFINITY}, 1);

    assertThat(monitor.window().samples()).isEqualTo(1);
    assertThat(monitor.featureHistograms()).allSatisfy(h -> assertThat(h.total()).isEqualTo(1));
    assertThat(monitor.ignoredRows()).isEqualTo(2);
    assertThat(monitor.recordedRows()).isEqualTo(1);
  }

  @Test
  void emptyWindowIsNormalWithScoreZero() {
    var report = new DriftMonitor(NAMES, trainingReferences(), BALANCED_LABELS).report();

    assertThat(report.status()).isEqualTo(DriftStatus.Normal);
    assertThat(report.score()).isZero();
    assertThat(report.samples()).isZero();
  }

  @Test
  void rejectsRowsOfTheWrongShapeAndUnknownLabels() {
    var monitor = new DriftMonitor(NAMES, trainingReferences(), BALANCED_LABELS);

    assertThatThrownBy(() -> monitor.record(new double[] {0, 0}, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 4 feature values, got 2");
    assertThatThrownBy(() -> monitor.record(new double[] {0, 0, 0, 0}, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside 0..1");
  }

  @Test
  void rejectsInconsistentConfiguration() {
    var references = trainingReferences();

    assertThatThrownBy(() -> new DriftMonitor(List.of("f0"), references, BALANCED_LABELS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 names and 4 references");
    assertThatThrownBy(
            () ->
                new DriftMonitor(
                    NAMES,
                    references,
                    BALANCED_LABELS,
                    0,
                    DriftThresholds.DEFAULT,
                    DriftStatistic.PSI))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("windowSize");
    assertThatThrownBy(() -> new DriftMonitor(NAMES, references, new double[] {0.5, 0.4}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sum to 1");
  }

  @Test
  void concurrentRecordingKeepsTheWindowExact() throws Exception {
    var bins = new ReferenceBins(new double[] {1, 2, 3}, new double[] {0.25, 0.25, 0.25, 0.25});
    var monitor =
        new DriftMonitor(
            List.of("a", "b"),
            List.of(bins, bins),
            new double[] {0.5, 0.5},
            1000,
            DriftThresholds.DEFAULT,
            DriftStatistic.PSI);
    int threads = 8;
    int rowsPerThread = 10_000;
    var start = new CountDownLatch(1);

    try (var executor = Executors.newFixedThreadPool(threads)) {
      var results = new ArrayList<Future<?>>();
      for (int t = 0; t < threads; t++) {
        // Thread t always sends both features to bin t % 4 and predicts label t % 2, so any
        // row torn between threads would show up as a mismatch between the histograms.
        double value = t % 4 + 0.5;
        int label = t % 2;
        results.add(
            executor.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < rowsPerThread; i++) {
                    monitor.record(new double[] {value, value}, label);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (var result : results) {
        result.get();
      }
    }

    var window = monitor.window();
    assertThat(monitor.recordedRows()).isEqualTo((long) threads * rowsPerThread);
    assertThat(window.samples()).isEqualTo(1000);
    assertThat(window.features().get(0).total()).isEqualTo(1000);
    assertThat(window.features().get(1)).isEqualTo(window.features().get(0));
    var a = window.features().get(0);
    assertThat(window.predictions())
        .isEqualTo(Histogram.of(a.count(0) + a.count(2), a.count(1) + a.count(3)));

    // Refilling the window proves no count leaked during the concurrent phase.
    for (int i = 0; i < 1000; i++) {
      monitor.record(new double[] {2.5, 0.5}, 1);
    }
    assertThat(monitor.featureHistograms())
        .containsExactly(Histogram.of(0, 0, 1000, 0), Histogram.of(1000, 0, 0, 0));
    assertThat(monitor.predictionHistogram()).isEqualTo(Histogram.of(0, 1000));
  }

  private static double[] gaussianRow(Random random, int shiftedFeature, double shift) {
    var row = new double[NAMES.size()];
    for (int f = 0; f < row.length; f++) {
      row[f] = random.nextGaussian() + (f == shiftedFeature ? shift : 0);
    }
    return row;
  }
}
