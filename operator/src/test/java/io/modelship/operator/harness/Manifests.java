package io.modelship.operator.harness;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.spec.AutoscalingSpec;
import io.modelship.api.v1alpha1.spec.ModelDeploymentSpec;
import io.modelship.api.v1alpha1.spec.ModelSpec;

/** ModelDeployments for tests. */
public final class Manifests {

  public static final String SHA = "a".repeat(64);

  private Manifests() {}

  public static ModelDeployment iris(String namespace, String name, String version) {
    var model = new ModelSpec();
    model.setName("iris");
    model.setVersion(version);
    model.setUri("https://models.example.com/iris/" + version + ".tar.gz");
    model.setSha256(SHA);
    var spec = new ModelDeploymentSpec();
    spec.setModel(model);
    spec.setReplicas(2);
    var md = new ModelDeployment();
    md.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    md.setSpec(spec);
    return md;
  }

  public static AutoscalingSpec autoscaling(int min, int max, Integer rps) {
    var autoscaling = new AutoscalingSpec();
    autoscaling.setMinReplicas(min);
    autoscaling.setMaxReplicas(max);
    autoscaling.setTargetCPUUtilizationPercentage(70);
    autoscaling.setTargetRequestsPerSecond(rps);
    return autoscaling;
  }
}
