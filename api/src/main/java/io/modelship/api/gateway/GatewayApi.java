package io.modelship.api.gateway;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * The Gateway API resources Modelship reads and writes without typed classes: the operator writes
 * canary weights to an HTTPRoute, local mode serves the routes it finds. Defined here once for
 * both.
 */
public final class GatewayApi {

  public static final String GROUP = "gateway.networking.k8s.io";

  /** {@code gateway.networking.k8s.io/v1} HTTPRoute, namespaced. */
  public static final ResourceDefinitionContext HTTP_ROUTE =
      new ResourceDefinitionContext.Builder()
          .withGroup(GROUP)
          .withVersion("v1")
          .withKind("HTTPRoute")
          .withPlural("httproutes")
          .withNamespaced(true)
          .build();

  private GatewayApi() {}
}
