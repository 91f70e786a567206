package io.modelship.operator;

import io.modelship.operator.dependent.ServingNames;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.operator.harness.Manifests;
import io.modelship.operator.harness.OperatorHarness;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 500 ModelDeployments to Ready against the mock API, then single spec changes to their children.
 * Not part of the test suite: {@code ./mvnw -B -o verify -pl api,operator -Pbenchmark} (runs with
 * -Xmx256m). Mock server, fake Deployment controller and operator share the JVM, so the heap
 * figure is an upper bound for the operator alone.
 */
@Tag("benchmark")
class OperatorBenchmark {

  static final int RESOURCES = 500;
  static final int NAMESPACES = 10;
  static final int SPEC_CHANGES = 10;

  @Test
  void fiveHundredModelDeploymentsReachReady() throws Exception {
    try (var harness = new OperatorHarness(false)) {
      var heap = ManagementFactory.getMemoryMXBean();
      var maxUsed = new java.util.concurrent.atomic.AtomicLong();
      var sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(() -> maxUsed.accumulateAndGet(heap.getHeapMemoryUsage().getUsed(), Math::max),
          0, 50, java.util.concurrent.TimeUnit.MILLISECONDS);
      long start = System.nanoTime();
      try (var pool = Executors.newFixedThreadPool(8)) {
        List<Future<?>> creates = new ArrayList<>();
        for (int i = 0; i < RESOURCES; i++) {
          var md = Manifests.iris("bench-" + (i % NAMESPACES), "model-" + i, "1.0." + (i % 7));
          creates.add(pool.submit(() -> harness.client().resource(md).create()));
        }
        for (Future<?> f : creates) {
          f.get();
        }
      }
      long created = System.nanoTime();
      int ready = 0;
      while (ready < RESOURCES && System.nanoTime() - start < Duration.ofSeconds(120).toNanos()) {
        // Listing 500 resources is work for the mock server too: poll gently.
        Thread.sleep(500);
        ready = (int) harness.client().resources(ModelDeployment.class).inAnyNamespace().list().getItems().stream()
            .filter(OperatorHarness.condition("Ready", "True", "Serving")::test)
            .count();
      }
      double toReady = (System.nanoTime() - start) / 1e9;
      double creating = (created - start) / 1e9;

      List<Double> changes = new ArrayList<>();
      for (int i = 0; i < SPEC_CHANGES; i++) {
        String ns = "bench-" + (i % NAMESPACES);
        String name = "model-" + i;
        int replicas = 3 + i;
        var deployments = harness.client().apps().deployments().inNamespace(ns);
        String deployment = deployments.withLabel("modelship.io/deployment", name).list().getItems().getFirst()
            .getMetadata().getName();
        long changeStart = System.nanoTime();
        harness.editSpec(ns, name, spec -> spec.setReplicas(replicas));
        while (deployments.withName(deployment).get().getSpec().getReplicas() != replicas) {
          Thread.sleep(2);
        }
        changes.add((System.nanoTime() - changeStart) / 1e6);
      }
      Collections.sort(changes);

      sampler.shutdownNow();
      System.gc();
      var memory = heap.getHeapMemoryUsage();
      double mib = 1024 * 1024;
      System.out.printf("%nOperator benchmark: %d ModelDeployments, %d namespaces, %d cores, max heap %.0f MiB%n",
          RESOURCES, NAMESPACES, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / mib);
      System.out.printf("  created in          %.2f s%n", creating);
      System.out.printf("  all Ready after     %.2f s (%d/%d Ready)%n", toReady, ready, RESOURCES);
      System.out.printf("  heap used after GC  %.1f MiB (highest sampled, garbage included, %.1f MiB)%n",
          memory.getUsed() / mib, maxUsed.get() / mib);
      System.out.printf("  spec change -> Deployment: median %.1f ms, max %.1f ms over %d changes%n%n",
          changes.get(changes.size() / 2), changes.getLast(), changes.size());

      assertThat(ready).isEqualTo(RESOURCES);
      assertThat(toReady).isLessThan(60);
      assertThat(memory.getUsed()).isLessThan(256L * 1024 * 1024);
      assertThat(changes.getLast()).isLessThan(1000);
    }
  }

  /**
   * A paused canary promoted by annotation ten times: from the annotation write to the canary
   * Deployment at its next size (weights 5 → 55 % of 20 pods, one more canary pod per step).
   */
  @Test
  void aCanaryStepChangeReachesItsChildren() throws Exception {
    try (var harness = new OperatorHarness(false)) {
      var md = Manifests.iris("bench-canary", "iris", "1.0.0");
      md.getSpec().setReplicas(20);
      var rollout = new io.modelship.api.v1alpha1.spec.RolloutSpec();
      rollout.setStrategy(io.modelship.api.v1alpha1.spec.RolloutStrategy.Canary);
      var canary = new io.modelship.api.v1alpha1.spec.CanarySpec();
      var steps = new ArrayList<io.modelship.api.v1alpha1.spec.CanaryStep>();
      for (int k = 1; k <= SPEC_CHANGES + 1; k++) {
        var weight = new io.modelship.api.v1alpha1.spec.CanaryStep();
        weight.setSetWeight(5 * k);
        var pause = new io.modelship.api.v1alpha1.spec.CanaryStep();
        pause.setPause(new io.modelship.api.v1alpha1.spec.PauseStep());
        steps.add(weight);
        steps.add(pause);
      }
      canary.setSteps(steps);
      rollout.setCanary(canary);
      md.getSpec().setRollout(rollout);
      harness.client().resource(md).create();
      harness.awaitStatus("bench-canary", "iris", m -> m.getStatus().getPhase() == io.modelship.api.v1alpha1.status.Phase.Healthy);
      harness.editSpec("bench-canary", "iris", spec -> spec.getModel().setVersion("2.0.0"));
      harness.awaitStatus("bench-canary", "iris", m -> m.getStatus().getPhase() == io.modelship.api.v1alpha1.status.Phase.Paused);
      var deployments = harness.client().apps().deployments().inNamespace("bench-canary");

      List<Double> changes = new ArrayList<>();
      for (int i = 1; i <= SPEC_CHANGES; i++) {
        int expected = i + 1;
        long changeStart = System.nanoTime();
        harness.annotate("bench-canary", "iris", "modelship.io/promote", "bench-" + i);
        while (deployments.withName(ServingNames.versionChildName("iris", "2.0.0")).get().getSpec().getReplicas() != expected) {
          Thread.sleep(2);
        }
        changes.add((System.nanoTime() - changeStart) / 1e6);
        // The next promote must meet a pause, not the weight step still settling.
        int step = 2 * i + 1;
        harness.awaitStatus("bench-canary", "iris", m -> Integer.valueOf(step).equals(m.getStatus().getRollout().getStepIndex())
            && m.getStatus().getPhase() == io.modelship.api.v1alpha1.status.Phase.Paused);
      }
      var sorted = new ArrayList<>(changes);
      Collections.sort(sorted);
      System.out.printf("%nCanary step change (promote annotation -> canary Deployment resized), %d cores:%n",
          Runtime.getRuntime().availableProcessors());
      System.out.printf("  median %.1f ms, max %.1f ms over %d step changes; all: %s%n%n",
          sorted.get(sorted.size() / 2), sorted.getLast(), sorted.size(),
          changes.stream().map(c -> String.format("%.0f", c)).toList());
      assertThat(sorted.getLast()).isLessThan(1000);
    }
  }
}
