package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Gateway API only: requests carrying this header value go to the new version (an A/B test). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HeaderRouteStep {

  /** HTTP header name, e.g. x-model-version. */
  @Required
  @Pattern("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
  private String name;

  /** Exact header value that selects the new version. */
  @Required private String value;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getValue() {
    return value;
  }

  public void setValue(String value) {
    this.value = value;
  }
}
