package io.modelship.operator.harness;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.modelship.api.testing.MergePatchCrudDispatcher;

/**
 * The shared merge-patch CRUD dispatcher, plus the permission answer JOSDK's leader election asks
 * for.
 */
final class LeaseAwareCrudDispatcher extends MergePatchCrudDispatcher {

  /**
   * A refusal the test asked for: the first matching request is answered with a Kubernetes Status.
   */
  record Refusal(String method, String pathContains, int code, String reason, String message) {
    boolean matches(RecordedRequest request) {
      return method.equals(request.getMethod()) && request.getPath().contains(pathContains);
    }

    MockResponse response() {
      return new MockResponse()
          .setResponseCode(code)
          .setBody(
              "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
                  + io.fabric8.kubernetes.client.utils.Serialization.asJson(message)
                  + ",\"reason\":\""
                  + reason
                  + "\",\"code\":"
                  + code
                  + "}");
    }
  }

  final java.util.List<Refusal> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    for (Refusal refusal : refusals) {
      if (refusal.matches(request)) {
        return refusal.response();
      }
    }
    return super.dispatch(request);
  }

  /**
   * The mock has no authorizer; JOSDK asks one whether it may use Leases before electing a leader.
   * Answer as a cluster would for an operator that holds those rights.
   */
  @Override
  public MockResponse handleCreate(RecordedRequest request) {
    if (request.getPath().contains("/selfsubjectrulesreviews")) {
      return new MockResponse()
          .setResponseCode(201)
          .setBody(
              "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\",\"metadata\":{},"
                  + "\"spec\":{},\"status\":{\"incomplete\":false,\"nonResourceRules\":[],\"resourceRules\":[{"
                  + "\"apiGroups\":[\"coordination.k8s.io\"],\"resources\":[\"leases\"],\"verbs\":[\"*\"]}]}}");
    }
    return super.handleCreate(request);
  }
}
