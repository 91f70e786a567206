package io.modelship.operator;

import static io.modelship.operator.harness.OperatorHarness.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelship.operator.harness.Manifests;
import io.modelship.operator.harness.OperatorHarness;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A restarted operator adopts what exists and writes nothing when nothing changed. */
class RestartIT {

  @Test
  void restartMakesNoWrites() throws InterruptedException {
    try (var harness = new OperatorHarness(false)) {
      var md = Manifests.iris("restart", "iris", "1.0.0");
      md.getSpec().setAutoscaling(Manifests.autoscaling(2, 4, 50));
      harness.client().resource(md).create();
      harness.client().resource(Manifests.iris("restart", "plain", "3.1.4")).create();
      harness.awaitStatus("restart", "iris", condition("Ready", "True", "Serving"));
      harness.awaitStatus("restart", "plain", condition("Ready", "True", "Serving"));
      await()
          .atMost(Duration.ofSeconds(10))
          .pollDelay(Duration.ofMillis(1500))
          .pollInterval(Duration.ofMillis(1500))
          .until(() -> harness.cluster.drainWrites().isEmpty());

      harness.restart();
      Thread.sleep(3000);
      assertThat(harness.cluster.drainWrites()).isEmpty();
    }
  }
}
