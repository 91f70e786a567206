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
 * What {@code kubectl apply} meets at the embedded API, as on a cluster: kubectl's default strict
 * field validation refuses a misspelt field, the CRD's CEL rule refuses minReplicas above
 * maxReplicas, its schema a weight of 150; a CRD whose rule does not compile is refused; a
 * transition rule compares with the stored object.
 */
class KubectlAdmissionTest {

  static final Path HOME = Path.of(System.getProperty("modelship.home", ".."));

  @TempDir Path dir;
  EmbeddedApiServer api;

  static Stream<Path> kubectls() {
    return Kubectl.binaries();
  }

  @BeforeEach
  void start() throws Exception {
    api = EmbeddedApiServer.start(0, dir.resolve("kubeconfig"), HOME.resolve("crds"));
    new Kubectl(Kubectl.binaries().findFirst().orElseThrow(), api.kubeconfig())
        .run("create", "namespace", "ml");
  }

  @AfterEach
  void stop() {
    api.close();
  }

  Path manifest(String name, String from, String to) throws Exception {
    String iris = Files.readString(HOME.resolve("examples/iris-modeldeployment.yaml"));
    assertThat(iris).contains(from);
    Path file = dir.resolve(name);
    Files.writeString(file, iris.replace(from, to));
    return file;
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void applyFailsWithTheApiServersMessage(Path binary) throws Exception {
    Kubectl kubectl = new Kubectl(binary, api.kubeconfig());
    Path misspelt = manifest("misspelt.yaml", "  model:\n", "  modle: {}\n  model:\n");
    Kubectl.Result strict = kubectl.run("apply", "-f", misspelt.toString());
    assertThat(strict.exitCode()).isNotZero();
    assertThat(strict.out())
        .contains(
            "Error from server (BadRequest): error when creating \""
                + misspelt
                + "\": ModelDeployment in version \"v1alpha1\" cannot be handled as a ModelDeployment: strict decoding "
                + "error: unknown field \"spec.modle\"");

    Path replicas = manifest("replicas.yaml", "minReplicas: 2", "minReplicas: 8");
    Kubectl.Result cel = kubectl.run("apply", "-f", replicas.toString());
    assertThat(cel.exitCode()).isNotZero();
    assertThat(cel.out())
        .contains(
            "The ModelDeployment \"iris\" is invalid: spec.autoscaling: Invalid value: "
                + "\"object\": minReplicas must not exceed maxReplicas");

    Path weight =
        manifest(
            "weight.yaml",
            "    strategy: RollingUpdate\n",
            "    strategy: Canary\n    canary:\n      steps:\n      - setWeight: 150\n      - pause: {}\n");
    Kubectl.Result maximum = kubectl.run("apply", "-f", weight.toString());
    assertThat(maximum.exitCode()).isNotZero();
    assertThat(maximum.out())
        .contains(
            "The ModelDeployment \"iris\" is invalid: spec.rollout.canary.steps[0]"
                + ".setWeight: Invalid value: 150: spec.rollout.canary.steps[0].setWeight in body should be less than or "
                + "equal to 100");

    assertThat(kubectl.run("get", "md", "-n", "ml").out()).doesNotContain("iris");

    // --validate=warn: stored without the field, with the server's warning printed
    Kubectl.Result warn = kubectl.run("apply", "--validate=warn", "-f", misspelt.toString());
    assertThat(warn.exitCode()).as(warn.out()).isZero();
    assertThat(warn.out())
        .contains(
            "Warning: unknown field \"spec.modle\"", "modeldeployment.modelship.io/iris created");
    // an update is checked too: kubectl apply sends a merge patch with fieldValidation=Strict
    Kubectl.Result patch = kubectl.run("apply", "-f", replicas.toString());
    assertThat(patch.exitCode()).isNotZero();
    assertThat(patch.out()).contains("minReplicas must not exceed maxReplicas");
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void crdRulesAreCompiledWhenTheCrdIsCreatedAndTransitionRulesSeeTheOldObject(Path binary)
      throws Exception {
    Kubectl kubectl = new Kubectl(binary, api.kubeconfig());
    String crd =
        """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec:
          group: example.com
          scope: Namespaced
          names: {plural: widgets, singular: widget, kind: Widget}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      size: {type: integer, default: 3}
                      owner:
                        type: string
                        x-kubernetes-validations:
                        - rule: "self == oldSelf"
                          message: "owner is immutable"
                    x-kubernetes-validations:
                    - rule: "RULE"
                      messageExpression: "'size ' + string(self.size) + ' is above 10'"
        """;
    Path broken = dir.resolve("broken-crd.yaml");
    Files.writeString(broken, crd.replace("RULE", "self.size <="));
    Kubectl.Result refused = kubectl.run("apply", "-f", broken.toString());
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.out())
        .contains(
            "The CustomResourceDefinition \"widgets.example.com\" is invalid",
            "spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule",
            "compilation failed");

    Path good = dir.resolve("crd.yaml");
    Files.writeString(good, crd.replace("RULE", "self.size <= 10"));
    assertThat(kubectl.run("apply", "-f", good.toString()).exitCode()).isZero();
    Path widget = dir.resolve("widget.yaml");
    Files.writeString(
        widget,
        """
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w, namespace: ml}
        spec: {owner: ada}
        """);
    Kubectl.Result created = kubectl.run("apply", "-f", widget.toString());
    assertThat(created.exitCode()).as(created.out()).isZero();
    assertThat(kubectl.run("get", "widget", "w", "-n", "ml", "-o", "jsonpath={.spec.size}").out())
        .isEqualTo("3");
    Files.writeString(
        widget,
        """
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w, namespace: ml}
        spec: {owner: bob, size: 12}
        """);
    Kubectl.Result changed = kubectl.run("apply", "-f", widget.toString());
    assertThat(changed.exitCode()).isNotZero();
    assertThat(changed.out())
        .contains(
            "The Widget \"w\" is invalid:",
            "spec.owner: Invalid value: \"string\": owner is immutable",
            "spec: Invalid value: \"object\": size 12 is above 10");
  }
}
