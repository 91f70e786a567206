package io.modelship.local.kube.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.local.kube.Selectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Request attributes as kube-apiserver's RequestInfoFactory reads them (its documented examples).
 */
class RequestAttributesTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // method | path?query | verb | group | resource/subresource | namespace | name
        "GET    | /api/v1/namespaces/ml/pods                          | list             |              | pods                    | ml | ''",
        "GET    | /api/v1/namespaces/ml/pods?watch=true               | watch            |              | pods                    | ml | ''",
        "GET    | /api/v1/watch/namespaces/ml/pods                    | watch            |              | pods                    | ml | ''",
        "GET    | /api/v1/namespaces/ml/pods/iris-1                   | get              |              | pods                    | ml | iris-1",
        "GET    | /api/v1/namespaces/ml/pods/iris-1/log               | get              |              | pods/log                | ml | iris-1",
        "POST   | /api/v1/namespaces/ml/pods                          | create           |              | pods                    | ml | ''",
        "PUT    | /apis/apps/v1/namespaces/ml/deployments/iris        | update           | apps         | deployments             | ml | iris",
        "PATCH  | /apis/apps/v1/namespaces/ml/deployments/iris/scale  | patch            | apps         | deployments/scale       | ml | iris",
        "DELETE | /apis/apps/v1/namespaces/ml/deployments/iris        | delete           | apps         | deployments             | ml | iris",
        "DELETE | /apis/apps/v1/namespaces/ml/deployments             | deletecollection | apps         | deployments             | ml | ''",
        "PATCH  | /apis/modelship.io/v1alpha1/namespaces/ml/modeldeployments/iris/status | patch | modelship.io | modeldeployments/status | ml | iris",
        "GET    | /apis/apps/v1/deployments                           | list             | apps         | deployments             | '' | ''",
        "GET    | /api/v1/namespaces/ml                               | get              |              | namespaces              | ml | ml",
        "PUT    | /api/v1/namespaces/ml/status                        | update           |              | namespaces/status       | ml | ml",
        "GET    | /apis/rbac.authorization.k8s.io/v1/clusterroles/x   | get              | rbac.authorization.k8s.io | clusterroles | '' | x",
        "POST   | /api/v1/namespaces/ml/serviceaccounts/op/token      | create           |              | serviceaccounts/token   | ml | op"
      })
  void resourceRequests(
      String method,
      String target,
      String verb,
      String group,
      String resource,
      String namespace,
      String name) {
    int q = target.indexOf('?');
    RequestAttributes a =
        RequestAttributes.parse(
            method,
            q < 0 ? target : target.substring(0, q),
            Selectors.query(q < 0 ? null : target.substring(q + 1)));
    assertThat(a.resourceRequest()).isTrue();
    assertThat(a.verb()).isEqualTo(verb);
    assertThat(a.apiGroup()).isEqualTo(group == null ? "" : group);
    assertThat(a.resourceAndSubresource()).isEqualTo(resource);
    assertThat(a.namespace()).isEqualTo(namespace);
    assertThat(a.name()).isEqualTo(name);
  }

  @ParameterizedTest
  @CsvSource({
    "GET,/version,get",
    "GET,/apis,get",
    "GET,/healthz,get",
    "POST,/foo,post",
    "GET,/openapi/v3,get"
  })
  void nonResourceRequests(String method, String path, String verb) {
    RequestAttributes a = RequestAttributes.parse(method, path, java.util.Map.of());
    assertThat(a.resourceRequest()).isFalse();
    assertThat(a.verb()).isEqualTo(verb);
    assertThat(a.path()).isEqualTo(path);
  }
}
