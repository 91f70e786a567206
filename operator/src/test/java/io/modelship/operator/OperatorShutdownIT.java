package io.modelship.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.modelship.operator.harness.MockCluster;
import io.modelship.operator.harness.OperatorProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A leading operator process, sent SIGTERM as the kubelet does on a rollout, ends well inside the
 * pod's 30 s grace period and hands its Lease back, so the next replica leads at its next retry
 * rather than after the lease expires. (JOSDK's own exit on losing leadership used to block the
 * shutdown hook forever.)
 */
class OperatorShutdownIT {

  static final Duration GRACE_PERIOD = Duration.ofSeconds(30);

  @Test
  void sigtermEndsALeadingOperatorPromptlyAndReleasesTheLease() throws Exception {
    Path work = Files.createDirectories(Path.of("target", "operator-shutdown-it"));
    try (var cluster = new MockCluster()) {
      var lease =
          cluster.client().leases().inNamespace("modelship-system").withName("modelship-operator");
      Process operator =
          start(
              OperatorProcess.kubeconfig(work, cluster.client().getConfiguration().getMasterUrl()),
              work.resolve("operator.log"));
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> {
                  assertThat(operator.isAlive())
                      .as("operator process (see %s)", work.resolve("operator.log"))
                      .isTrue();
                  var current = lease.get();
                  // Holding the Lease, and past JOSDK's start-leading callback (event processing
                  // on).
                  return current != null
                      && "operator-0".equals(current.getSpec().getHolderIdentity())
                      && Files.readString(work.resolve("operator.log"))
                          .contains("Leading as operator-0");
                });

        long sent = System.nanoTime();
        operator.destroy(); // SIGTERM
        boolean ended = operator.waitFor(GRACE_PERIOD.toSeconds(), TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - sent);

        assertThat(ended)
            .as(
                "the operator still runs %s after SIGTERM (see %s)",
                GRACE_PERIOD, work.resolve("operator.log"))
            .isTrue();
        assertThat(took).as("time from SIGTERM to exit").isLessThan(Duration.ofSeconds(15));
        assertThat(operator.exitValue()).as("exit status after SIGTERM").isEqualTo(143);
        LeaseSpec released = lease.get().getSpec();
        assertThat(released.getHolderIdentity()).as("holder after shutdown").isNull();
        assertThat(released.getLeaseDurationSeconds()).isEqualTo(1);
        // LOG_LEVEL, as the Helm chart sets it, reaches the logger.
        assertThat(Files.readString(work.resolve("operator.log"))).contains(" DEBUG ");
      } finally {
        operator.destroyForcibly();
      }
    }
  }

  /**
   * The operator as its jar runs it (the test classpath holds the same classes), leader election
   * on, env as the chart sets it.
   */
  private static Process start(Path kubeconfig, Path log) throws IOException {
    var builder =
        OperatorProcess.builder(
            kubeconfig,
            log,
            List.of("-Xmx192m"),
            "--leader-election",
            "true",
            "--lease-namespace",
            "modelship-system",
            "--http-port",
            "0");
    builder.environment().put("HOSTNAME", "operator-0");
    builder.environment().put("LOG_LEVEL", "debug");
    return builder.start();
  }
}
