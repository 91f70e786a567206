package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How fast the HorizontalPodAutoscaler may change the pod count, written into its {@code
 * spec.behavior} as given (autoscaling/v2's names). Typical use against flapping: {@code scaleDown:
 * {stabilizationWindowSeconds: 600, policies: [{type: Pods, value: 1, periodSeconds: 60}]}}. A
 * direction left out keeps Kubernetes' defaults: scale-up at once, by 100 % or 4 pods per 15 s
 * (whichever is more); scale-down by 100 % per 15 s after the controller's stabilization window
 * (kube-controller-manager's {@code --horizontal-pod-autoscaler-downscale-stabilization}, 5 min).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AutoscalingBehavior {

  /** Rules for adding pods. */
  private ScalingRules scaleUp;

  /** Rules for removing pods. */
  private ScalingRules scaleDown;

  public ScalingRules getScaleUp() {
    return scaleUp;
  }

  public void setScaleUp(ScalingRules scaleUp) {
    this.scaleUp = scaleUp;
  }

  public ScalingRules getScaleDown() {
    return scaleDown;
  }

  public void setScaleDown(ScalingRules scaleDown) {
    this.scaleDown = scaleDown;
  }
}
