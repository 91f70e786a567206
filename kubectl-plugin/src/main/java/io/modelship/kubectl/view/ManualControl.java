package io.modelship.kubectl.view;

/** The manual-control annotations of the contract; the operator acts once per new value (token). */
public enum ManualControl {
  PROMOTE("promote", "modelship.io/promote"),
  PROMOTE_FULL("promote-full", "modelship.io/promote-full"),
  ABORT("abort", "modelship.io/abort"),
  RETRY("retry", "modelship.io/retry");

  private final String action;
  private final String annotation;

  ManualControl(String action, String annotation) {
    this.action = action;
    this.annotation = annotation;
  }

  public String action() {
    return action;
  }

  public String annotation() {
    return annotation;
  }

  /** Null when the action applies to this resource now, else why not (for the error message). */
  public String whyNot(ModelDeploymentView md) {
    if (this == RETRY) {
      return md.retryable()
          ? null
          : md.ref()
              + " has no rolled-back or aborted rollout to retry (phase "
              + md.phase().text()
              + ")";
    }
    if (md.rolloutInProgress()) {
      return null;
    }
    String what = this == ABORT ? "abort" : "promote";
    if (!ModelDeploymentView.CANARY.equals(md.strategy())
        && !ModelDeploymentView.BLUE_GREEN.equals(md.strategy())) {
      return md.ref()
          + " has no rollout to "
          + what
          + ": strategy "
          + md.strategy()
          + " rolls without steps (only Canary and BlueGreen can be promoted or aborted)";
    }
    return md.ref()
        + " has no rollout to "
        + what
        + " (phase "
        + md.phase().text()
        + (md.stableVersion() == null ? "" : ", stable version " + md.stableVersion())
        + ")";
  }
}
