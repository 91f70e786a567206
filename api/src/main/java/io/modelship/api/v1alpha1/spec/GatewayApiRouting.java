package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class GatewayApiRouting {

  /** Name of the HTTPRoute the operator writes weights to. */
  @Required private String httpRoute;

  /** Gateway an operator-created route attaches to; ignored for a route the user created. */
  private String gateway;

  public String getHttpRoute() {
    return httpRoute;
  }

  public void setHttpRoute(String httpRoute) {
    this.httpRoute = httpRoute;
  }

  public String getGateway() {
    return gateway;
  }

  public void setGateway(String gateway) {
    this.gateway = gateway;
  }
}
