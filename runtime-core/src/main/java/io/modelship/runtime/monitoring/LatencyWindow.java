package io.modelship.runtime.monitoring;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Request latencies of the last minute or so, for live percentiles. Recording is wait-free; memory
 * is a fixed number of HdrHistogram slices whatever the traffic.
 */
public final class LatencyWindow {

  private static final long MAX_TRACKABLE_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final long SLICE_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final int SLICES = 6;

  private final Recorder recorder = new Recorder(MAX_TRACKABLE_NANOS, 3);
  private final Deque<Slice> slices = new ArrayDeque<>();
  private Histogram current;
  private long currentStart = System.nanoTime();

  private record Slice(long start, Histogram histogram) {}

  /** Percentiles in milliseconds over the window, and how many requests it holds. */
  public record Percentiles(long count, double p50, double p95, double p99, double max) {}

  public void record(long nanos) {
    recorder.recordValue(Math.min(Math.max(nanos, 0), MAX_TRACKABLE_NANOS));
  }

  public synchronized Percentiles percentiles() {
    long now = System.nanoTime();
    current = recorder.getIntervalHistogram(current);
    while (!slices.isEmpty() && now - slices.getFirst().start() > SLICES * SLICE_NANOS) {
      slices.removeFirst();
    }
    if (now - currentStart >= SLICE_NANOS || slices.isEmpty()) {
      slices.addLast(new Slice(now, current.copy()));
      currentStart = now;
    } else {
      slices.getLast().histogram().add(current);
    }
    while (slices.size() > SLICES) {
      slices.removeFirst();
    }
    Histogram total = new Histogram(MAX_TRACKABLE_NANOS, 3);
    for (Slice slice : slices) {
      total.add(slice.histogram());
    }
    return new Percentiles(
        total.getTotalCount(),
        ms(total.getValueAtPercentile(50)),
        ms(total.getValueAtPercentile(95)),
        ms(total.getValueAtPercentile(99)),
        ms(total.getMaxValue()));
  }

  private static double ms(long nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }
}
