package io.modelship.operator.dependent;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.spec.AutoscalingSpec;
import java.util.ArrayList;
import java.util.List;

/** autoscaling/v2 HPA on the serving version's Deployment: CPU plus, optionally, requests/s. */
@KubernetesDependent(informer = @Informer(labelSelector = ServingNames.MANAGED_SELECTOR))
public class ServingAutoscaler
    extends CRUDKubernetesDependentResource<HorizontalPodAutoscaler, ModelDeployment> {

  public static final String RPS_METRIC = "modelship_requests_per_second";

  public ServingAutoscaler() {
    super(HorizontalPodAutoscaler.class);
  }

  @Override
  protected HorizontalPodAutoscaler desired(ModelDeployment md, Context<ModelDeployment> context) {
    return desired(md, ServingPlan.of(context).rollout().autoscaledVersion());
  }

  /** Named like the resource, so it can be found for deletion when autoscaling was turned off. */
  @Override
  protected ResourceID targetSecondaryResourceID(
      ModelDeployment md, Context<ModelDeployment> context) {
    return ResourceID.fromResource(md);
  }

  public static HorizontalPodAutoscaler desired(ModelDeployment md, String version) {
    AutoscalingSpec autoscaling = md.getSpec().getAutoscaling();
    return new HorizontalPodAutoscalerBuilder()
        .withMetadata(ServingNames.childMetadata(md, md.getMetadata().getName()))
        .withNewSpec()
        .withNewScaleTargetRef()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName(ServingNames.deploymentName(md, version))
        .endScaleTargetRef()
        .withMinReplicas(minReplicas(autoscaling))
        .withMaxReplicas(autoscaling.getMaxReplicas())
        .withMetrics(metrics(autoscaling))
        .endSpec()
        .build();
  }

  public static int minReplicas(AutoscalingSpec autoscaling) {
    return autoscaling.getMinReplicas() == null ? 1 : autoscaling.getMinReplicas();
  }

  private static List<MetricSpec> metrics(AutoscalingSpec autoscaling) {
    var metrics = new ArrayList<MetricSpec>();
    int cpu =
        autoscaling.getTargetCPUUtilizationPercentage() == null
            ? 80
            : autoscaling.getTargetCPUUtilizationPercentage();
    metrics.add(
        new MetricSpecBuilder()
            .withType("Resource")
            .withNewResource()
            .withName("cpu")
            .withNewTarget()
            .withType("Utilization")
            .withAverageUtilization(cpu)
            .endTarget()
            .endResource()
            .build());
    if (autoscaling.getTargetRequestsPerSecond() != null) {
      metrics.add(
          new MetricSpecBuilder()
              .withType("Pods")
              .withNewPods()
              .withNewMetric()
              .withName(RPS_METRIC)
              .endMetric()
              .withNewTarget()
              .withType("AverageValue")
              .withAverageValue(
                  new Quantity(String.valueOf(autoscaling.getTargetRequestsPerSecond())))
              .endTarget()
              .endPods()
              .build());
    }
    return metrics;
  }
}
