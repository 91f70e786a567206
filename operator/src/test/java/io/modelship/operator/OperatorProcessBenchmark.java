package io.modelship.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.spec.MonitoringSpec;
import io.modelship.operator.dependent.ServingNames;
import io.modelship.operator.harness.FakeDeploymentController;
import io.modelship.operator.harness.Manifests;
import io.modelship.operator.harness.MockCluster;
import io.modelship.operator.harness.OperatorProcess;
import io.modelship.operator.harness.Reports;
import io.modelship.operator.harness.WideReports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The operator's own CPU while 100 pods of a 200-feature model report: the mock API server, the
 * fake Deployment controller and the simulated pods run in this JVM, the operator in a child JVM
 * ({@code OperatorMain}, as {@code java -jar operator.jar} runs it, with this test classpath)
 * talking to the mock API through a kubeconfig, so its CPU is read alone from {@code
 * /proc/<pid>/stat}. Linux only; not part of the test suite:
 *
 * <pre>
 * ./mvnw -B -o -pl operator -am verify -Pbenchmark -Dtest='OperatorProcessBenchmark' -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * Pods report every {@code benchmark.reportSeconds} (default 15, real time); after a warm-up of two
 * intervals, {@code benchmark.windows} (default 3) windows of {@code benchmark.windowSeconds}
 * (default 60) are measured one after the other.
 */
@Tag("benchmark")
class OperatorProcessBenchmark {

  static final int PODS = 100;
  static final int FEATURES = 200;

  record Window(
      double seconds,
      double operatorCores,
      long statusWrites,
      int statusBytes,
      long reports,
      double reconciles) {
    double writesPerMinute() {
      return statusWrites * 60 / seconds;
    }
  }

  @Test
  void aHundredPodsReportingCostTheOperatorProcess() throws Exception {
    int interval = Integer.getInteger("benchmark.reportSeconds", 15);
    int windows = Integer.getInteger("benchmark.windows", 3);
    int windowSeconds = Integer.getInteger("benchmark.windowSeconds", 60);
    Path work = Files.createDirectories(Path.of("target", "operator-process-benchmark"));
    try (var cluster = new MockCluster();
        var deployments = new FakeDeploymentController(cluster.newClient(), true)) {
      Path kubeconfig =
          OperatorProcess.kubeconfig(work, cluster.client().getConfiguration().getMasterUrl());
      int port;
      try (var socket = new java.net.ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      Process operator = startOperator(kubeconfig, work.resolve("operator.log"), port);
      var simulator = Executors.newScheduledThreadPool(4);
      try {
        String ns = "wide";
        var md = Manifests.iris(ns, "iris", "1.0.0");
        md.getSpec().setReplicas(PODS);
        md.getSpec().setMonitoring(new MonitoringSpec());
        md.getSpec().getMonitoring().setReportIntervalSeconds(interval);
        cluster.client().resource(md).create();
        var created = awaitReady(cluster, ns, operator);
        WideReports.writeReference(cluster.client(), created, "1.0.0", FEATURES);

        String prefix = ServingNames.versionChildName("iris", "1.0.0") + "-pod-";
        var failures = new AtomicLong();
        for (int i = 0; i < PODS; i++) {
          int pod = i;
          var requests = new AtomicLong();
          var round = new AtomicLong();
          simulator.scheduleAtFixedRate(
              () -> {
                try {
                  long rows = 50 + (round.incrementAndGet() + pod) % 50;
                  Reports.write(
                      cluster.client(),
                      ns,
                      "iris",
                      prefix + pod,
                      WideReports.counts(
                          "1.0.0", FEATURES, rows, requests.addAndGet(100), Instant.now()));
                } catch (RuntimeException e) {
                  failures.incrementAndGet();
                }
              },
              pod * interval * 1000L / PODS,
              interval * 1000L,
              TimeUnit.MILLISECONDS);
        }
        Thread.sleep(2000L * interval);
        cluster.drainRequests();

        long ticksPerSecond = clockTicks();
        var measured = new ArrayList<Window>();
        for (int w = 0; w < windows; w++) {
          double reconcilesBefore = reconciles(port);
          long cpuBefore = cpuTicks(operator.pid());
          long start = System.nanoTime();
          long writes = 0;
          long reports = 0;
          int maxBytes = 0;
          while (System.nanoTime() - start < Duration.ofSeconds(windowSeconds).toNanos()) {
            Thread.sleep(1000);
            for (var r : cluster.drainRequests()) {
              if (r.getMethod().equals("GET")) {
                continue;
              }
              if (r.getPath().contains("/modeldeployments/") && r.getPath().contains("/status")) {
                writes++;
              } else if (r.getPath().contains("/runtimereports")) {
                reports++;
              }
            }
            maxBytes =
                Math.max(
                    maxBytes,
                    StatusSizeIT.statusBytes(
                        cluster
                            .client()
                            .resources(ModelDeployment.class)
                            .inNamespace(ns)
                            .withName("iris")
                            .get()));
          }
          double seconds = (System.nanoTime() - start) / 1e9;
          double cores = (cpuTicks(operator.pid()) - cpuBefore) / (double) ticksPerSecond / seconds;
          measured.add(
              new Window(
                  seconds, cores, writes, maxBytes, reports, reconciles(port) - reconcilesBefore));
        }
        assertThat(operator.isAlive()).as("the operator process is still running").isTrue();
        print(interval, measured, failures.get());

        assertThat(measured)
            .allSatisfy(
                window -> {
                  assertThat(window.statusBytes()).isLessThan(StatusSizeIT.STATUS_BUDGET_BYTES);
                  // One write per interval, and one more when a window's edges cut an interval in
                  // two.
                  assertThat(window.statusWrites())
                      .isLessThanOrEqualTo((long) Math.ceil(window.seconds() / interval) + 1);
                });
        // CPU is printed, not asserted: on a machine shared with other builds it says as much about
        // them.
      } finally {
        simulator.shutdownNow();
        operator.destroy();
        if (!operator.waitFor(10, TimeUnit.SECONDS)) {
          operator.destroyForcibly();
        }
      }
    }
  }

  private static void print(int interval, List<Window> windows, long failures) throws IOException {
    var cores = windows.stream().map(Window::operatorCores).sorted().toList();
    var writes = windows.stream().map(Window::writesPerMinute).sorted().toList();
    System.out.printf(
        "%nOperator process benchmark: %d pods x %d features, report every %d s (real time), %d cores, load average %s%n",
        PODS,
        FEATURES,
        interval,
        Runtime.getRuntime().availableProcessors(),
        Files.readString(Path.of("/proc/loadavg")).trim());
    System.out.println(
        "  window  seconds  report-writes  reconciles  status-writes/min  status-bytes  operator-cores");
    for (int i = 0; i < windows.size(); i++) {
      var w = windows.get(i);
      System.out.printf(
          "  %6d  %7.1f  %13d  %10.0f  %17.1f  %12d  %14.4f%n",
          i + 1,
          w.seconds(),
          w.reports(),
          w.reconciles(),
          w.writesPerMinute(),
          w.statusBytes(),
          w.operatorCores());
    }
    System.out.printf(
        "  operator CPU: median %.4f, min %.4f, max %.4f cores (target < 0.10)%n",
        cores.get(cores.size() / 2), cores.getFirst(), cores.getLast());
    System.out.printf(
        "  status writes per minute: median %.1f, min %.1f, max %.1f; failed report writes %d%n%n",
        writes.get(writes.size() / 2), writes.getFirst(), writes.getLast(), failures);
  }

  private static ModelDeployment awaitReady(MockCluster cluster, String ns, Process operator)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(operator.isAlive())
          .as("operator process (see target/operator-process-benchmark/operator.log)")
          .isTrue();
      var md =
          cluster.client().resources(ModelDeployment.class).inNamespace(ns).withName("iris").get();
      if (md != null
          && md.getStatus() != null
          && Integer.valueOf(PODS).equals(md.getStatus().getReadyReplicas())) {
        return md;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the operator did not bring " + PODS + " pods to ready within 120 s");
  }

  /** The operator as its jar runs it, from this test's classpath, with {@code -Xmx256m}. */
  private static Process startOperator(Path kubeconfig, Path log, int port) throws IOException {
    var jvm = new ArrayList<>(List.of("-Xmx256m"));
    String flags = System.getProperty("benchmark.operatorJvmFlags", "");
    if (!flags.isBlank()) {
      jvm.addAll(List.of(flags.trim().split("\\s+")));
    }
    return OperatorProcess.builder(
            kubeconfig,
            log,
            jvm,
            "--leader-election",
            "false",
            "--http-port",
            Integer.toString(port))
        .start();
  }

  /** The operator's own count of reconciles run, from its /metrics. */
  static double reconciles(int port) throws IOException, InterruptedException {
    try (var http = java.net.http.HttpClient.newHttpClient()) {
      String body =
          http.send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .body();
      return body.lines()
          .filter(l -> l.startsWith("modelship_operator_reconciles_total"))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
          .sum();
    }
  }

  /**
   * utime + stime of the process, all its threads, in clock ticks (fields 14 and 15 of
   * /proc/PID/stat).
   */
  static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // The command name (field 2) may hold spaces; the fields after it start past its ')'.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private static long clockTicks() throws IOException, InterruptedException {
    var p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    p.waitFor();
    return Long.parseLong(out);
  }
}
