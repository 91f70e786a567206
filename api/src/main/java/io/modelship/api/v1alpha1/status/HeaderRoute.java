package io.modelship.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A header match in force on the route: requests with this value go to the new version. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HeaderRoute {

  /** Header name. */
  private String name;

  /** Header value. */
  private String value;

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
