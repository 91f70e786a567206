package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class BlueGreenSpec {

  /**
   * Promote automatically this long after the preview is ready; absent waits for a manual promote.
   */
  @Min(0)
  private Integer autoPromotionSeconds;

  /** Keep the old version this long after the switch. */
  @Min(0)
  private Integer scaleDownDelaySeconds;

  /** Pods of the new version behind the preview Service before the switch; absent: full size. */
  @Min(1)
  private Integer previewReplicas;

  public Integer getAutoPromotionSeconds() {
    return autoPromotionSeconds;
  }

  public void setAutoPromotionSeconds(Integer autoPromotionSeconds) {
    this.autoPromotionSeconds = autoPromotionSeconds;
  }

  public Integer getScaleDownDelaySeconds() {
    return scaleDownDelaySeconds;
  }

  public void setScaleDownDelaySeconds(Integer scaleDownDelaySeconds) {
    this.scaleDownDelaySeconds = scaleDownDelaySeconds;
  }

  public Integer getPreviewReplicas() {
    return previewReplicas;
  }

  public void setPreviewReplicas(Integer previewReplicas) {
    this.previewReplicas = previewReplicas;
  }
}
