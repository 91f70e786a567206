package io.modelship.operator.harness;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.spec.CanarySpec;
import io.modelship.api.v1alpha1.spec.CanaryStep;
import io.modelship.api.v1alpha1.spec.RolloutSpec;
import io.modelship.api.v1alpha1.spec.RolloutStrategy;
import io.modelship.api.v1alpha1.status.Phase;
import io.modelship.operator.dependent.ServingNames;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The operator against the mock API with a clock that moves only when told, for the rollout ITs:
 * {@code @RegisterExtension static final RolloutCluster cluster = new RolloutCluster();} starts it
 * before the class's tests and stops it after.
 */
public final class RolloutCluster implements BeforeAllCallback, AfterAllCallback {

  public final TestClock clock = new TestClock(Instant.parse("2026-03-01T12:00:00Z"));
  private OperatorHarness harness;

  @Override
  public void beforeAll(ExtensionContext context) {
    harness = new OperatorHarness(true, clock);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    harness.close();
  }

  public OperatorHarness harness() {
    return harness;
  }

  /**
   * The iris model at 1.0.0 with {@code replicas} pods and a canary rollout through {@code steps},
   * not yet created.
   */
  public static ModelDeployment canary(String ns, int replicas, List<CanaryStep> steps) {
    var md = Manifests.iris(ns, "iris", "1.0.0");
    md.getSpec().setReplicas(replicas);
    var rollout = new RolloutSpec();
    rollout.setStrategy(RolloutStrategy.Canary);
    var canary = new CanarySpec();
    canary.setSteps(steps);
    rollout.setCanary(canary);
    md.getSpec().setRollout(rollout);
    return md;
  }

  /** Creates the resource and waits until it is Healthy. */
  public void createHealthy(ModelDeployment md) {
    harness.client().resource(md).create();
    harness.awaitStatus(
        md.getMetadata().getNamespace(),
        md.getMetadata().getName(),
        m -> m.getStatus().getPhase() == Phase.Healthy);
  }

  /** The iris Deployment of {@code version}, {@code null} when there is none. */
  public Deployment deployment(String ns, String version) {
    return harness
        .client()
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName(ServingNames.versionChildName("iris", version))
        .get();
  }

  /** Replicas the iris Deployment of {@code version} asks for, 0 when there is none. */
  public int replicas(String ns, String version) {
    Deployment d = deployment(ns, version);
    return d == null ? 0 : d.getSpec().getReplicas();
  }
}
