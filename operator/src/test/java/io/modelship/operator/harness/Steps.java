package io.modelship.operator.harness;

import io.modelship.api.v1alpha1.spec.CanaryStep;
import io.modelship.api.v1alpha1.spec.PauseStep;

/** Canary steps as a spec writes them. */
public final class Steps {

  private Steps() {}

  public static CanaryStep weight(int w) {
    var step = new CanaryStep();
    step.setSetWeight(w);
    return step;
  }

  /** A pause for {@code duration}, or until promoted when {@code null}. */
  public static CanaryStep pause(String duration) {
    var step = new CanaryStep();
    var pause = new PauseStep();
    pause.setDuration(duration);
    step.setPause(pause);
    return step;
  }
}
