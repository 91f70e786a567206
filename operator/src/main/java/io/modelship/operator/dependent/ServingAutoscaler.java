package io.modelship.operator.dependent;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.spec.AutoscalingBehavior;
import io.modelship.api.v1alpha1.spec.AutoscalingSpec;
import io.modelship.api.v1alpha1.spec.ScalingPolicy;
import io.modelship.api.v1alpha1.spec.ScalingPolicyType;
import io.modelship.api.v1alpha1.spec.ScalingRules;
import io.modelship.api.v1alpha1.spec.ScalingSelectPolicy;
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
        .withBehavior(behavior(autoscaling.getBehavior()))
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

  /** Kubernetes' scale-up rules where the spec gives none: at once, 4 pods or 100 % per 15 s. */
  static final ScalingRules DEFAULT_SCALE_UP =
      rules(
          0,
          List.of(
              new ScalingPolicy(ScalingPolicyType.Pods, 4, 15),
              new ScalingPolicy(ScalingPolicyType.Percent, 100, 15)));

  /**
   * Kubernetes' scale-down rules: 100 % per 15 s, the window left to the controller (its {@code
   * --horizontal-pod-autoscaler-downscale-stabilization}, 5 min).
   */
  static final ScalingRules DEFAULT_SCALE_DOWN =
      rules(null, List.of(new ScalingPolicy(ScalingPolicyType.Percent, 100, 15)));

  /**
   * {@code spec.autoscaling.behavior} as the HPA's {@code spec.behavior}, with every field the API
   * server would default written out (as it stores it, so the HPA read back equals the one
   * written); none at all when the spec sets none, as the server stores it then.
   */
  static HorizontalPodAutoscalerBehavior behavior(AutoscalingBehavior behavior) {
    if (behavior == null) {
      return null;
    }
    var hpa = new HorizontalPodAutoscalerBehavior();
    hpa.setScaleUp(hpaRules(behavior.getScaleUp(), DEFAULT_SCALE_UP));
    hpa.setScaleDown(hpaRules(behavior.getScaleDown(), DEFAULT_SCALE_DOWN));
    return hpa;
  }

  private static HPAScalingRules hpaRules(ScalingRules given, ScalingRules defaults) {
    ScalingRules r = given == null ? defaults : given;
    List<ScalingPolicy> policies =
        r.getPolicies() == null || r.getPolicies().isEmpty()
            ? defaults.getPolicies()
            : r.getPolicies();
    var rules = new HPAScalingRules();
    rules.setPolicies(
        policies.stream()
            .map(
                p -> {
                  var policy = new HPAScalingPolicy();
                  policy.setType(p.getType().name());
                  policy.setValue(p.getValue());
                  policy.setPeriodSeconds(p.getPeriodSeconds());
                  return policy;
                })
            .toList());
    rules.setSelectPolicy(
        (r.getSelectPolicy() == null ? ScalingSelectPolicy.Max : r.getSelectPolicy()).name());
    rules.setStabilizationWindowSeconds(
        r.getStabilizationWindowSeconds() == null
            ? defaults.getStabilizationWindowSeconds()
            : r.getStabilizationWindowSeconds());
    return rules;
  }

  private static ScalingRules rules(Integer window, List<ScalingPolicy> policies) {
    var rules = new ScalingRules();
    rules.setStabilizationWindowSeconds(window);
    rules.setPolicies(policies);
    return rules;
  }
}
