package io.modelship.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.modelship.api.runtime.RuntimeEnvironment;
import io.modelship.api.v1alpha1.spec.DriftMethod;
import io.modelship.api.v1alpha1.spec.DriftSpec;
import io.modelship.api.v1alpha1.spec.MonitoringSpec;
import io.modelship.drift.DriftStatistic;
import io.modelship.operator.harness.Manifests;
import io.modelship.operator.validation.ModelLocation;
import io.modelship.runtime.server.ServeConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the operator puts into a pod is what the runtime reads: the same names, the same values. */
class RuntimeEnvContractTest {

  /** The pod's env as the kubelet would resolve it (downward API fields filled in). */
  static Map<String, String> resolved(List<EnvVar> env) {
    var values = new HashMap<String, String>();
    for (EnvVar e : env) {
      if (e.getValue() != null) {
        values.put(e.getName(), e.getValue());
      } else if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null) {
        values.put(
            e.getName(),
            switch (e.getValueFrom().getFieldRef().getFieldPath()) {
              case "metadata.name" -> "iris-pod-0";
              case "metadata.namespace" -> "ml";
              case "status.podIP" -> "10.1.2.3";
              default -> "uid-0";
            });
      }
    }
    return values;
  }

  static ServingPlan plan(ModelLocation location) {
    return DesiredChildrenTest.plan("2.0.0", location);
  }

  @Test
  void theRuntimeParsesThePodEnvIntoTheResourceSettings() {
    var md = Manifests.iris("ml", "iris", "2.0.0");
    var monitoring = new MonitoringSpec();
    monitoring.setDrift(new DriftSpec());
    monitoring.getDrift().setMethod(DriftMethod.KS);
    monitoring.getDrift().setWarning(0.2);
    monitoring.getDrift().setThreshold(0.4);
    monitoring.getDrift().setWindowSize(500);
    monitoring.setReportIntervalSeconds(30);
    md.getSpec().setMonitoring(monitoring);
    var location = new ModelLocation(md.getSpec().getModel().getUri(), Optional.empty());

    ServeConfig config =
        ServeConfig.fromEnvironment(resolved(ServingDeployments.env(md, "2.0.0", plan(location))))
            .validate();
    // The gRPC server listens where the container's and the Services' port named grpc point.
    assertThat(
            io.modelship.runtime.grpc.GrpcServer.port(
                resolved(ServingDeployments.env(md, "2.0.0", plan(location)))))
        .isEqualTo(ServingDeployments.GRPC_PORT);

    assertThat(config.modelUri()).isEqualTo(md.getSpec().getModel().getUri());
    assertThat(config.modelSha256()).isEqualTo(Manifests.SHA);
    assertThat(config.modelVersion()).isEqualTo("2.0.0");
    assertThat(config.port()).isEqualTo(ServingDeployments.PORT);
    assertThat(config.driftMethod()).isEqualTo(DriftStatistic.KS);
    assertThat(config.driftWarning()).isEqualTo(0.2);
    assertThat(config.driftThreshold()).isEqualTo(0.4);
    assertThat(config.driftWindowSize()).isEqualTo(500);
    assertThat(config.accuracyMaxDrop()).isEqualTo(RuntimeEnvironment.DEFAULT_ACCURACY_MAX_DROP);
    assertThat(config.shutdownDelay())
        .isEqualTo(Duration.ofSeconds(ServingDeployments.SHUTDOWN_DELAY_SECONDS));
    assertThat(config.reporting().enabled()).isTrue();
    assertThat(config.reporting().podName()).isEqualTo("iris-pod-0");
    assertThat(config.reporting().namespace()).isEqualTo("ml");
    // with a retraining sink, ids carry it so labels reach the pod that holds the row's features
    assertThat(config.podIp()).isEqualTo("10.1.2.3");
    assertThat(config.reporting().modelDeployment()).isEqualTo("iris");
    assertThat(config.reporting().interval()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void withNothingSetBothSidesAgreeOnTheDefaults() {
    var md = Manifests.iris("ml", "iris", "2.0.0");
    var location = new ModelLocation(md.getSpec().getModel().getUri(), Optional.empty());
    var fromPod =
        ServeConfig.fromEnvironment(resolved(ServingDeployments.env(md, "2.0.0", plan(location))));
    var bare = ServeConfig.fromEnvironment(Map.of());
    assertThat(fromPod.driftMethod()).isEqualTo(bare.driftMethod());
    assertThat(fromPod.driftWarning()).isEqualTo(bare.driftWarning());
    assertThat(fromPod.driftThreshold()).isEqualTo(bare.driftThreshold());
    assertThat(fromPod.driftWindowSize()).isEqualTo(bare.driftWindowSize());
    assertThat(fromPod.accuracyMaxDrop()).isEqualTo(bare.accuracyMaxDrop());
    assertThat(fromPod.port()).isEqualTo(bare.port());
    assertThat(fromPod.reporting().interval()).isEqualTo(bare.reporting().interval());
  }

  @Test
  void everyVariableTheOperatorSetsIsOperatorOwned() {
    var md = Manifests.iris("ml", "iris", "2.0.0");
    var location = new ModelLocation(md.getSpec().getModel().getUri(), Optional.empty());
    assertThat(ServingDeployments.env(md, "2.0.0", plan(location)))
        .extracting(EnvVar::getName)
        .allSatisfy(name -> assertThat(RuntimeEnvironment.OPERATOR_OWNED).contains(name));
  }
}
