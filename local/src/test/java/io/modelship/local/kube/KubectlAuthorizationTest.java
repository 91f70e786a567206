package io.modelship.local.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real kubectl as a ServiceAccount against the embedded API: a token from {@code kubectl create
 * token} (the TokenRequest API), requests its Role allows, kubectl's Forbidden error for one it
 * does not, escalation refused, an unknown token unauthorized, and the audit log of it all.
 */
class KubectlAuthorizationTest {

  static final Path HOME = Path.of(System.getProperty("modelship.home", ".."));

  @TempDir Path dir;
  EmbeddedApiServer api;

  static Stream<Path> kubectls() {
    return Kubectl.binaries();
  }

  @BeforeEach
  void start() throws Exception {
    api = EmbeddedApiServer.start(0, dir.resolve("kubeconfig"), HOME.resolve("crds"));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  /**
   * No token: kube-apiserver's anonymous user, authorized by RBAC like any other (the bootstrap
   * roles let it read the version and health only). kubectl itself prompts for a password when its
   * kubeconfig user has no credentials, so this client is the JDK's, trusting the API's CA.
   */
  @org.junit.jupiter.api.Test
  void withoutATokenARequestIsAnonymousAndMaySeeOnlyTheVersionAndHealth() throws Exception {
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry(
        "api",
        java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new java.io.ByteArrayInputStream(api.certificateAuthority().getBytes())));
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    try (java.net.http.HttpClient http =
        java.net.http.HttpClient.newBuilder().sslContext(tls).build()) {
      java.util.function.Function<String, java.net.http.HttpResponse<String>> get =
          path -> {
            try {
              return http.send(
                  java.net.http.HttpRequest.newBuilder(api.uri().resolve(path)).build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          };
      assertThat(get.apply("/version").statusCode()).isEqualTo(200);
      assertThat(get.apply("/healthz").statusCode()).isEqualTo(200);
      var pods = get.apply("/api/v1/namespaces/default/pods");
      assertThat(pods.statusCode()).isEqualTo(403);
      assertThat(pods.body())
          .contains(
              "\"reason\":\"Forbidden\"",
              "pods is forbidden: User \\\"system:anonymous\\\" "
                  + "cannot list resource \\\"pods\\\" in API group \\\"\\\" in the namespace \\\"default\\\"");
      assertThat(get.apply("/apis").statusCode()).isEqualTo(403);
      var bad =
          http.send(
              java.net.http.HttpRequest.newBuilder(api.uri().resolve("/version"))
                  .header("Authorization", "Bearer forged")
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(bad.statusCode()).isEqualTo(401);
    }
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void aServiceAccountMayDoWhatItsRoleAllowsAndNothingElse(Path binary) throws Exception {
    Kubectl admin = new Kubectl(binary, api.kubeconfig());
    Path rbac = dir.resolve("rbac.yaml");
    Files.writeString(
        rbac,
        """
        apiVersion: v1
        kind: Namespace
        metadata: {name: ml}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: reader, namespace: ml}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: md-reader, namespace: ml}
        rules:
        - apiGroups: ["modelship.io"]
          resources: ["modeldeployments"]
          verbs: ["get", "list", "watch"]
        - apiGroups: ["rbac.authorization.k8s.io"]
          resources: ["roles"]
          verbs: ["create"]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: md-reader, namespace: ml}
        subjects:
        - {kind: ServiceAccount, name: reader, namespace: ml}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: md-reader}
        """);
    assertThat(admin.run("apply", "-f", rbac.toString()).exitCode()).isZero();
    assertThat(
            admin
                .run("apply", "-f", HOME.resolve("examples/iris-modeldeployment.yaml").toString())
                .exitCode())
        .isZero();
    Kubectl.Result token = admin.run("create", "token", "reader", "-n", "ml");
    assertThat(token.exitCode()).as(token.out()).isZero();
    String t = token.out().strip();

    Kubectl.Result get = admin.run("--token", t, "get", "md", "-n", "ml");
    assertThat(get.exitCode()).as(get.out()).isZero();
    assertThat(get.out()).contains("iris");

    // Every authenticated user may ask what it may do (system:basic-user): kubectl auth can-i sends
    // a
    // SelfSubjectAccessReview, --list a SelfSubjectRulesReview.
    Kubectl.Result canGet =
        admin.run(
            "--token", t, "auth", "can-i", "get", "modeldeployments.modelship.io", "-n", "ml");
    assertThat(canGet.exitCode()).as(canGet.out()).isZero();
    assertThat(canGet.out().strip()).isEqualTo("yes");
    Kubectl.Result canPatch =
        admin.run(
            "--token", t, "auth", "can-i", "patch", "modeldeployments.modelship.io", "-n", "ml");
    assertThat(canPatch.exitCode()).as(canPatch.out()).isEqualTo(1);
    assertThat(canPatch.out().strip()).startsWith("no");
    Kubectl.Result list = admin.run("--token", t, "auth", "can-i", "--list", "-n", "ml");
    assertThat(list.exitCode()).as(list.out()).isZero();
    assertThat(list.out())
        .containsPattern(
            "modeldeployments\\.modelship\\.io\\s+\\[\\]\\s+\\[\\]\\s+\\[get list watch\\]")
        .containsPattern(
            "selfsubjectaccessreviews\\.authorization\\.k8s\\.io\\s+\\[\\]\\s+\\[\\]\\s+\\[create\\]");

    Kubectl.Result patch =
        admin.run(
            "--token",
            t,
            "patch",
            "md",
            "iris",
            "-n",
            "ml",
            "--type",
            "merge",
            "-p",
            "{\"spec\":{\"replicas\":3}}");
    assertThat(patch.exitCode()).isNotZero();
    assertThat(patch.out())
        .contains(
            "Error from server (Forbidden): modeldeployments.modelship.io \"iris\" is "
                + "forbidden: User \"system:serviceaccount:ml:reader\" cannot patch resource \"modeldeployments\" in API "
                + "group \"modelship.io\" in the namespace \"ml\"");

    Kubectl.Result pods = admin.run("--token", t, "get", "pods", "-A");
    assertThat(pods.out())
        .contains(
            "Error from server (Forbidden): pods is forbidden: User "
                + "\"system:serviceaccount:ml:reader\" cannot list resource \"pods\" in API group \"\" at the cluster scope");

    Kubectl.Result escalate =
        admin.run(
            "--token",
            t,
            "create",
            "role",
            "wider",
            "-n",
            "ml",
            "--verb=delete",
            "--resource=pods");
    assertThat(escalate.exitCode()).isNotZero();
    assertThat(escalate.out())
        .contains(
            "roles.rbac.authorization.k8s.io \"wider\" is forbidden: user "
                + "\"system:serviceaccount:ml:reader\"",
            "is attempting to grant RBAC permissions not currently held",
            "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\"]}");
    Kubectl.Result narrower =
        admin.run(
            "--token",
            t,
            "create",
            "role",
            "narrower",
            "-n",
            "ml",
            "--verb=get",
            "--resource=modeldeployments.modelship.io");
    assertThat(narrower.exitCode()).as(narrower.out()).isZero();

    Kubectl.Result unknown = admin.run("--token", "not-a-token", "get", "md", "-n", "ml");
    assertThat(unknown.exitCode()).isNotZero();
    assertThat(unknown.out()).contains("Unauthorized");

    String audit = Files.readString(api.auditLog());
    assertThat(
            audit
                .lines()
                .filter(
                    l ->
                        l.contains("\"user\":\"system:serviceaccount:ml:reader\"")
                            && l.contains("\"verb\":\"patch\"")
                            && l.contains("\"resource\":\"modeldeployments\"")
                            && l.contains("\"code\":403")))
        .hasSize(1);
    assertThat(audit).contains("\"user\":\"kubernetes-admin\"", "\"code\":201");
  }
}
