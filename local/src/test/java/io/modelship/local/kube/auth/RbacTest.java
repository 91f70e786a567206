package io.modelship.local.kube.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RBAC decisions against the examples of kubernetes.io's "Using RBAC Authorization" page: Roles and
 * ClusterRoles, RoleBindings (also of a ClusterRole), ClusterRoleBindings, subjects that are users,
 * groups and ServiceAccounts, subresources, resourceNames and nonResourceURLs.
 */
class RbacTest {

  static final Rbac.Policy POLICY =
      policy(
          """
      kind: Role
      metadata: {namespace: default, name: pod-reader}
      rules:
      - apiGroups: [""]
        resources: ["pods"]
        verbs: ["get", "watch", "list"]
      ---
      kind: RoleBinding
      metadata: {name: read-pods, namespace: default}
      subjects:
      - {kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}
      roleRef: {kind: Role, name: pod-reader, apiGroup: rbac.authorization.k8s.io}
      ---
      kind: ClusterRole
      metadata: {name: secret-reader}
      rules:
      - apiGroups: [""]
        resources: ["secrets"]
        verbs: ["get", "watch", "list"]
      ---
      kind: RoleBinding
      metadata: {name: read-secrets, namespace: development}
      subjects:
      - {kind: User, name: dave, apiGroup: rbac.authorization.k8s.io}
      roleRef: {kind: ClusterRole, name: secret-reader, apiGroup: rbac.authorization.k8s.io}
      ---
      kind: ClusterRoleBinding
      metadata: {name: read-secrets-global}
      subjects:
      - {kind: Group, name: manager, apiGroup: rbac.authorization.k8s.io}
      roleRef: {kind: ClusterRole, name: secret-reader, apiGroup: rbac.authorization.k8s.io}
      ---
      kind: Role
      metadata: {namespace: ml, name: operator}
      rules:
      - apiGroups: ["modelship.io"]
        resources: ["modeldeployments"]
        verbs: ["get", "list", "watch"]
      - apiGroups: ["modelship.io"]
        resources: ["modeldeployments/status"]
        verbs: ["patch", "update"]
      - apiGroups: [""]
        resources: ["configmaps"]
        resourceNames: ["my-configmap"]
        verbs: ["update", "get"]
      - apiGroups: ["apps"]
        resources: ["*/scale"]
        verbs: ["patch"]
      - apiGroups: ["apps"]
        resources: ["deployments"]
        verbs: ["deletecollection"]
      ---
      kind: RoleBinding
      metadata: {name: operator, namespace: ml}
      subjects:
      - {kind: ServiceAccount, name: modelship, namespace: ml}
      roleRef: {kind: Role, name: operator, apiGroup: rbac.authorization.k8s.io}
      ---
      kind: ClusterRole
      metadata: {name: qa-view}
      rules:
      - apiGroups: ["apps"]
        resources: ["deployments"]
        verbs: ["list"]
      - nonResourceURLs: ["/healthz", "/healthz/*"]
        verbs: ["get", "post"]
      ---
      kind: ClusterRoleBinding
      metadata: {name: qa-view}
      subjects:
      - {kind: Group, name: "system:serviceaccounts:qa", apiGroup: rbac.authorization.k8s.io}
      roleRef: {kind: ClusterRole, name: qa-view, apiGroup: rbac.authorization.k8s.io}
      """);

  static final Map<String, UserInfo> USERS =
      Map.of(
          "jane",
          new UserInfo("jane", List.of(UserInfo.AUTHENTICATED)),
          "dave",
          new UserInfo("dave", List.of(UserInfo.AUTHENTICATED)),
          "mgr",
          new UserInfo("alice", List.of("manager", UserInfo.AUTHENTICATED)),
          "op",
          UserInfo.serviceAccount("ml", "modelship"),
          "qa",
          UserInfo.serviceAccount("qa", "tester"),
          "admin",
          Tokens.ADMIN,
          "anon",
          UserInfo.ANONYMOUS);

  @ParameterizedTest(name = "{0} {1} {2} → {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        // who | method | path | allowed
        "jane  | GET    | /api/v1/namespaces/default/pods                    | true",
        "jane  | GET    | /api/v1/namespaces/default/pods/p1                 | true",
        "jane  | GET    | /api/v1/namespaces/default/pods?watch=true         | true",
        "jane  | DELETE | /api/v1/namespaces/default/pods/p1                 | false",
        "jane  | GET    | /api/v1/namespaces/other/pods                      | false",
        "jane  | GET    | /api/v1/pods                                       | false",
        "jane  | GET    | /api/v1/namespaces/default/pods/p1/log             | false",
        // a RoleBinding of a ClusterRole grants it in the binding's namespace only
        "dave  | GET    | /api/v1/namespaces/development/secrets             | true",
        "dave  | GET    | /api/v1/namespaces/default/secrets                 | false",
        "dave  | GET    | /api/v1/secrets                                    | false",
        // a ClusterRoleBinding to a group grants everywhere, also across namespaces
        "mgr   | GET    | /api/v1/secrets                                    | true",
        "mgr   | GET    | /api/v1/namespaces/any/secrets/s                   | true",
        "mgr   | PUT    | /api/v1/namespaces/any/secrets/s                   | false",
        // subresources are separate from their resource
        "op    | GET    | /apis/modelship.io/v1alpha1/namespaces/ml/modeldeployments         | true",
        "op    | PATCH  | /apis/modelship.io/v1alpha1/namespaces/ml/modeldeployments/i/status | true",
        "op    | PATCH  | /apis/modelship.io/v1alpha1/namespaces/ml/modeldeployments/i       | false",
        "op    | GET    | /apis/modelship.io/v1alpha1/namespaces/ml/modeldeployments/i/status | false",
        "op    | PATCH  | /apis/apps/v1/namespaces/ml/deployments/d/scale                    | true",
        "op    | PATCH  | /apis/apps/v1/namespaces/ml/deployments/d                          | false",
        "op    | DELETE | /apis/apps/v1/namespaces/ml/deployments                            | true",
        "op    | DELETE | /apis/apps/v1/namespaces/ml/deployments/d                          | false",
        // resourceNames: the named object only, and never a list or create (they have no name)
        "op    | GET    | /api/v1/namespaces/ml/configmaps/my-configmap     | true",
        "op    | PUT    | /api/v1/namespaces/ml/configmaps/my-configmap     | true",
        "op    | GET    | /api/v1/namespaces/ml/configmaps/other            | false",
        "op    | GET    | /api/v1/namespaces/ml/configmaps                  | false",
        // the group system:serviceaccounts:<ns>, and nonResourceURLs with a trailing *
        "qa    | GET    | /apis/apps/v1/deployments                          | true",
        "qa    | GET    | /healthz                                           | true",
        "qa    | GET    | /healthz/etcd                                      | true",
        "qa    | GET    | /version                                           | false",
        "admin | DELETE | /api/v1/namespaces/kube-system/secrets/any         | true",
        "admin | GET    | /metrics                                           | true",
        "anon  | GET    | /api/v1/namespaces/default/pods                    | false"
      })
  void decides(String who, String method, String target, boolean allowed) {
    assertThat(Rbac.allows(USERS.get(who), request(method, target), POLICY)).isEqualTo(allowed);
  }

  @Test
  void forbiddenIsWordedAsKubeApiserverWordsIt() {
    UserInfo sa = UserInfo.serviceAccount("ns", "sa");
    assertThat(
            Rbac.forbiddenMessage(
                sa, request("PATCH", "/apis/apps/v1/namespaces/ns/deployments/x")))
        .isEqualTo(
            "deployments.apps \"x\" is forbidden: User \"system:serviceaccount:ns:sa\" cannot patch "
                + "resource \"deployments\" in API group \"apps\" in the namespace \"ns\"");
    assertThat(Rbac.forbiddenMessage(sa, request("GET", "/api/v1/namespaces/default/pods")))
        .isEqualTo(
            "pods is forbidden: User \"system:serviceaccount:ns:sa\" cannot list resource \"pods\" "
                + "in API group \"\" in the namespace \"default\"");
    assertThat(
            Rbac.forbiddenMessage(
                sa, request("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles")))
        .isEqualTo(
            "clusterroles.rbac.authorization.k8s.io is forbidden: User \"system:serviceaccount:ns:sa\" "
                + "cannot list resource \"clusterroles\" in API group \"rbac.authorization.k8s.io\" at the cluster scope");
    assertThat(
            Rbac.forbiddenMessage(
                sa,
                request(
                    "PUT", "/apis/modelship.io/v1alpha1/namespaces/ml/modeldeployments/i/status")))
        .isEqualTo(
            "modeldeployments.modelship.io \"i\" is forbidden: User \"system:serviceaccount:ns:sa\" cannot "
                + "update resource \"modeldeployments/status\" in API group \"modelship.io\" in the namespace \"ml\"");
    assertThat(Rbac.forbiddenMessage(UserInfo.ANONYMOUS, request("GET", "/metrics")))
        .isEqualTo("forbidden: User \"system:anonymous\" cannot get path \"/metrics\"");
  }

  @Test
  void escalationNeedsEveryGrantedPermissionHeld() {
    UserInfo op = UserInfo.serviceAccount("ml", "modelship");
    List<Rbac.Rule> held = Rbac.rulesFor(op, "ml", POLICY);
    List<Rbac.Rule> same =
        rules(
            """
        kind: Role
        rules:
        - apiGroups: ["modelship.io"]
          resources: ["modeldeployments"]
          verbs: ["get", "list"]
        - apiGroups: ["apps"]
          resources: ["deployments/scale"]
          verbs: ["patch"]
        """);
    assertThat(Rbac.uncovered(held, same)).isEmpty();
    List<Rbac.Rule> more =
        rules(
            """
        kind: Role
        rules:
        - apiGroups: ["modelship.io"]
          resources: ["modeldeployments"]
          verbs: ["get", "delete"]
        - apiGroups: [""]
          resources: ["configmaps"]
          verbs: ["get"]
        - apiGroups: ["*"]
          resources: ["*"]
          verbs: ["*"]
        """);
    assertThat(Rbac.uncovered(held, more))
        .extracting(Rbac.Rule::compact)
        .containsExactly(
            "{APIGroups:[\"modelship.io\"], Resources:[\"modeldeployments\"], Verbs:[\"delete\"]}",
            "{APIGroups:[\"\"], Resources:[\"configmaps\"], Verbs:[\"get\"]}",
            "{APIGroups:[\"*\"], Resources:[\"*\"], Verbs:[\"*\"]}");
    // Held on a named object only: granting on the whole resource escalates, on that name it does
    // not.
    assertThat(
            Rbac.uncovered(
                held,
                rules(
                    """
        kind: Role
        rules:
        - apiGroups: [""]
          resources: ["configmaps"]
          resourceNames: ["my-configmap"]
          verbs: ["get"]
        """)))
        .isEmpty();
    assertThat(Rbac.escalationMessage(op, Rbac.uncovered(held, more).subList(0, 1)))
        .isEqualTo(
            "user \"system:serviceaccount:ml:modelship\" (groups=[\"system:serviceaccounts\" \"system:serviceaccounts:ml\" "
                + "\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n"
                + "{APIGroups:[\"modelship.io\"], Resources:[\"modeldeployments\"], Verbs:[\"delete\"]}");
  }

  static RequestAttributes request(String method, String target) {
    int q = target.indexOf('?');
    return RequestAttributes.parse(
        method,
        q < 0 ? target : target.substring(0, q),
        io.modelship.local.kube.Selectors.query(q < 0 ? null : target.substring(q + 1)));
  }

  static List<Rbac.Rule> rules(String yaml) {
    List<Rbac.Rule> out = new ArrayList<>();
    read(yaml).getFirst().path("rules").forEach(r -> out.add(Rbac.Rule.of(r)));
    return out;
  }

  static Rbac.Policy policy(String yaml) {
    List<JsonNode> roles = new ArrayList<>();
    List<JsonNode> clusterRoles = new ArrayList<>();
    List<JsonNode> bindings = new ArrayList<>();
    List<JsonNode> clusterBindings = new ArrayList<>();
    for (JsonNode o : read(yaml)) {
      switch (o.path("kind").asText()) {
        case "Role" -> roles.add(o);
        case "ClusterRole" -> clusterRoles.add(o);
        case "RoleBinding" -> bindings.add(o);
        default -> clusterBindings.add(o);
      }
    }
    return new Rbac.Policy(roles, clusterRoles, bindings, clusterBindings);
  }

  static List<JsonNode> read(String yaml) {
    try {
      ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
      return mapper.readValues(new YAMLFactory().createParser(yaml), JsonNode.class).readAll();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
