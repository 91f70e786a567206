package io.modelship.local.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real kubectl against the embedded API's Pod Security admission (a namespace labelled {@code
 * pod-security.kubernetes.io/enforce: restricted}) and garbage collector (kubectl delete with
 * --cascade=background, orphan and foreground).
 */
class KubectlPodSecurityAndGarbageCollectionTest {

  @TempDir Path dir;
  EmbeddedApiServer api;

  static Stream<Path> kubectls() {
    return Kubectl.binaries();
  }

  @BeforeEach
  void start() throws Exception {
    api = EmbeddedApiServer.start(0, dir.resolve("kubeconfig"), null);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void restrictedNamespacesRefusePodsThatBreakTheProfile(Path binary) throws Exception {
    Kubectl kubectl = new Kubectl(binary, api.kubeconfig());
    assertThat(kubectl.run("create", "namespace", "secure").exitCode()).isZero();
    assertThat(
            kubectl
                .run(
                    "label", "namespace", "secure", "pod-security.kubernetes.io/enforce=restricted")
                .exitCode())
        .isZero();

    Kubectl.Result naive = kubectl.run("run", "naive", "--image=nginx", "-n", "secure");
    assertThat(naive.exitCode()).isNotZero();
    assertThat(naive.out())
        .contains(
            "Error from server (Forbidden): pods \"naive\" is forbidden: violates "
                + "PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false (container \"naive\" must set "
                + "securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container \"naive\" must set "
                + "securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod or container \"naive\" must set "
                + "securityContext.runAsNonRoot=true), seccompProfile (pod or container \"naive\" must set "
                + "securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")");

    Path hardened = dir.resolve("hardened.yaml");
    Files.writeString(
        hardened,
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: hardened, namespace: secure}
        spec:
          securityContext:
            runAsNonRoot: true
            seccompProfile: {type: RuntimeDefault}
          containers:
          - name: app
            image: nginx
            securityContext:
              allowPrivilegeEscalation: false
              capabilities: {drop: [ALL]}
          volumes:
          - name: tmp
            emptyDir: {}
        """);
    Kubectl.Result ok = kubectl.run("apply", "-f", hardened.toString());
    assertThat(ok.exitCode()).as(ok.out()).isZero();
    assertThat(ok.out()).doesNotContain("Warning");

    Path rootedFile = dir.resolve("rooted.yaml");
    Files.writeString(
        rootedFile,
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: rooted, namespace: secure}
        spec:
          hostNetwork: true
          securityContext:
            runAsNonRoot: true
            runAsUser: 0
            seccompProfile: {type: RuntimeDefault}
          containers:
          - name: app
            image: nginx
            securityContext:
              allowPrivilegeEscalation: false
              capabilities: {drop: [ALL]}
          volumes:
          - name: host
            hostPath: {path: /}
        """);
    Kubectl.Result rooted = kubectl.run("apply", "-f", rootedFile.toString());
    assertThat(rooted.exitCode()).isNotZero();
    assertThat(rooted.out())
        .contains(
            "violates PodSecurity \"restricted:latest\": ",
            "host namespaces (hostNetwork=true), hostPath volumes (volume \"host\")",
            "restricted volume types (volume \"host\" uses restricted volume type \"hostPath\")",
            "runAsUser=0 (pod must not set runAsUser=0)");

    Kubectl.Result deployment =
        kubectl.run("create", "deployment", "web", "--image=nginx", "-n", "secure");
    assertThat(deployment.exitCode()).as(deployment.out()).isZero();
    assertThat(deployment.out())
        .contains(
            "Warning: would violate PodSecurity \"restricted:latest\": "
                + "allowPrivilegeEscalation != false (container \"nginx\" must set securityContext.allowPrivilegeEscalation=false)",
            "deployment.apps/web created");
    // outside a labelled namespace nothing is checked
    assertThat(kubectl.run("run", "naive", "--image=nginx", "-n", "default").exitCode()).isZero();
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void deletingAnOwnerDeletesOrOrphansItsDependents(Path binary) throws Exception {
    Kubectl kubectl = new Kubectl(binary, api.kubeconfig());
    for (String owner : new String[] {"bg", "orphan", "fg"}) {
      assertThat(kubectl.run("create", "configmap", owner).exitCode()).isZero();
      String uid =
          kubectl.run("get", "configmap", owner, "-o", "jsonpath={.metadata.uid}").out().strip();
      Path child = dir.resolve(owner + "-child.yaml");
      Files.writeString(
          child,
          """
          apiVersion: v1
          kind: Secret
          metadata:
            name: OWNER-child
            FINALIZERS
            ownerReferences:
            - {apiVersion: v1, kind: ConfigMap, name: OWNER, uid: UID, blockOwnerDeletion: true}
          """
              .replace("OWNER", owner)
              .replace("UID", uid)
              .replace(
                  "FINALIZERS",
                  owner.equals("fg") ? "finalizers: [example.com/hold]" : "labels: {}"));
      Kubectl.Result applied = kubectl.run("apply", "-f", child.toString());
      assertThat(applied.exitCode()).as(applied.out()).isZero();
    }

    Kubectl.Result deleted = kubectl.run("delete", "configmap", "bg");
    assertThat(deleted.exitCode()).as(deleted.out()).isZero();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> kubectl.run("get", "secret", "bg-child").out().contains("NotFound"));

    assertThat(kubectl.run("delete", "configmap", "orphan", "--cascade=orphan").exitCode())
        .isZero();
    Thread.sleep(500);
    Kubectl.Result orphan =
        kubectl.run("get", "secret", "orphan-child", "-o", "jsonpath={.metadata.ownerReferences}");
    assertThat(orphan.exitCode()).as(orphan.out()).isZero();
    assertThat(orphan.out()).isEmpty();

    // foreground: the owner waits, with the foregroundDeletion finalizer, for its blocking
    // dependent
    assertThat(
            kubectl
                .run("delete", "configmap", "fg", "--cascade=foreground", "--wait=false")
                .exitCode())
        .isZero();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                kubectl
                        .run(
                            "get",
                            "secret",
                            "fg-child",
                            "-o",
                            "jsonpath={.metadata.deletionTimestamp}")
                        .out()
                        .strip()
                        .length()
                    > 0);
    assertThat(kubectl.run("get", "configmap", "fg", "-o", "jsonpath={.metadata.finalizers}").out())
        .contains("foregroundDeletion");
    assertThat(
            kubectl
                .run("get", "configmap", "fg", "-o", "jsonpath={.metadata.deletionTimestamp}")
                .out())
        .isNotBlank();
    Kubectl.Result released =
        kubectl.run(
            "patch",
            "secret",
            "fg-child",
            "--type",
            "merge",
            "-p",
            "{\"metadata\":{\"finalizers\":null}}");
    assertThat(released.exitCode()).as(released.out()).isZero();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> kubectl.run("get", "configmap", "fg").out().contains("NotFound"));
  }
}
