package io.modelship.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrafficRouting {

  /** Weighted backendRefs on a Gateway API HTTPRoute. */
  private GatewayApiRouting gatewayAPI;

  public GatewayApiRouting getGatewayAPI() {
    return gatewayAPI;
  }

  public void setGatewayAPI(GatewayApiRouting gatewayAPI) {
    this.gatewayAPI = gatewayAPI;
  }
}
