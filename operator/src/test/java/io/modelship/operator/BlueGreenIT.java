package io.modelship.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.modelship.api.v1alpha1.spec.BlueGreenSpec;
import io.modelship.api.v1alpha1.spec.RolloutSpec;
import io.modelship.api.v1alpha1.spec.RolloutStrategy;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.api.v1alpha1.status.RolloutOutcome;
import io.modelship.operator.harness.Manifests;
import io.modelship.operator.harness.OperatorHarness;
import io.modelship.operator.harness.RolloutCluster;
import io.modelship.operator.harness.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Blue-green against the mock API: preview Service, switch only after readiness, old side kept for
 * the delay.
 */
class BlueGreenIT {

  @RegisterExtension static final RolloutCluster cluster = new RolloutCluster();
  static final TestClock clock = cluster.clock;

  static String selectedVersion(String ns, String service) {
    Service s = cluster.harness().client().services().inNamespace(ns).withName(service).get();
    return s == null ? null : s.getSpec().getSelector().get("modelship.io/version");
  }

  static Deployment deployment(String ns, String version) {
    return cluster.deployment(ns, version);
  }

  @Test
  void switchesOnlyAfterReadinessAndKeepsTheOldSideForTheDelay() {
    String ns = "bluegreen";
    var md = Manifests.iris(ns, "iris", "1.0.0");
    md.getSpec().setReplicas(3);
    var rollout = new RolloutSpec();
    rollout.setStrategy(RolloutStrategy.BlueGreen);
    var bg = new BlueGreenSpec();
    bg.setAutoPromotionSeconds(60);
    bg.setScaleDownDelaySeconds(30);
    bg.setPreviewReplicas(1);
    rollout.setBlueGreen(bg);
    md.getSpec().setRollout(rollout);
    cluster.harness().client().resource(md).create();
    cluster.harness().awaitStatus(ns, "iris", m -> m.getStatus().getPhase() == Phase.Healthy);

    cluster.harness().deployments.hold("2.0.0");
    cluster.harness().editSpec(ns, "iris", spec -> spec.getModel().setVersion("2.0.0"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "2.0.0".equals(selectedVersion(ns, "iris-preview")));
    assertThat(selectedVersion(ns, "iris")).isEqualTo("1.0.0");
    assertThat(deployment(ns, "2.0.0").getSpec().getReplicas()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(120));
    var status =
        cluster
            .harness()
            .awaitStatus(
                ns, "iris", OperatorHarness.condition("Progressing", "True", "WaitingForPreview"));
    assertThat(selectedVersion(ns, "iris"))
        .as("not ready: no switch, however long")
        .isEqualTo("1.0.0");
    assertThat(status.getStatus().getRollout().getPreviewVersion()).isEqualTo("2.0.0");
    assertThat(status.getStatus().getRollout().getActiveVersion()).isEqualTo("1.0.0");

    cluster.harness().deployments.release("2.0.0");
    cluster.harness().awaitStatus(ns, "iris", m -> m.getStatus().getPhase() == Phase.Paused);
    clock.advance(Duration.ofSeconds(60));
    await().atMost(Duration.ofSeconds(10)).until(() -> "2.0.0".equals(selectedVersion(ns, "iris")));
    assertThat(deployment(ns, "2.0.0").getSpec().getReplicas())
        .as("full size before the switch")
        .isEqualTo(3);
    assertThat(deployment(ns, "1.0.0")).as("old side kept for the delay").isNotNull();
    cluster
        .harness()
        .awaitStatus(
            ns, "iris", OperatorHarness.condition("Progressing", "True", "ScaleDownDelay"));

    clock.advance(Duration.ofSeconds(30));
    var done =
        cluster.harness().awaitStatus(ns, "iris", m -> m.getStatus().getPhase() == Phase.Healthy);
    assertThat(done.getStatus().getStableVersion()).isEqualTo("2.0.0");
    assertThat(done.getStatus().getHistory())
        .last()
        .extracting(r -> r.getOutcome())
        .isEqualTo(RolloutOutcome.Promoted);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                deployment(ns, "1.0.0") == null
                    && cluster
                            .harness()
                            .client()
                            .services()
                            .inNamespace(ns)
                            .withName("iris-preview")
                            .get()
                        == null);
  }
}
