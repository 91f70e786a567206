package io.modelship.local.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Real kubectl binaries against the embedded API: what the README's tour types. */
class KubectlAgainstEmbeddedApiTest {

  static final Path HOME = Path.of(System.getProperty("modelship.home", ".."));
  static final ResourceDefinitionContext MD =
      new ResourceDefinitionContext.Builder()
          .withGroup("modelship.io")
          .withVersion("v1alpha1")
          .withPlural("modeldeployments")
          .withKind("ModelDeployment")
          .withNamespaced(true)
          .build();

  @TempDir Path dir;
  EmbeddedApiServer api;
  KubernetesClient client;

  static Stream<Path> kubectls() {
    return Kubectl.binaries();
  }

  @BeforeEach
  void start() throws Exception {
    api = EmbeddedApiServer.start(0, dir.resolve("kubeconfig"), HOME.resolve("crds"));
    client = api.client();
    client
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName("ml")
                .endMetadata()
                .build())
        .create();
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void applyEditGetDescribeAnnotate(Path binary) throws Exception {
    Kubectl kubectl = new Kubectl(binary, api.kubeconfig());
    Path manifest = HOME.resolve("examples/iris-modeldeployment.yaml");

    assertThat(kubectl.run("apply", "-f", manifest.toString()).out())
        .contains("modeldeployment.modelship.io/iris created");
    Path edited = dir.resolve("iris-2.yaml");
    Files.writeString(edited, Files.readString(manifest).replace("\"1.0.0\"", "\"2.0.0\""));
    assertThat(kubectl.run("apply", "-f", edited.toString()).out())
        .contains("modeldeployment.modelship.io/iris configured");

    client
        .genericKubernetesResources(MD)
        .inNamespace("ml")
        .withName("iris")
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            """
            {"status":{"phase":"Progressing","canaryWeight":10,"modelName":"iris","strategy":"RollingUpdate",
             "trafficWeight":10,"drift":{"status":"Normal"},
             "conditions":[{"type":"Progressing","status":"True","reason":"Rolling","message":"m"},
                           {"type":"Ready","status":"False","reason":"NotReady","message":"m"}]}}""");
    var get = kubectl.run("get", "md", "-n", "ml");
    assertThat(get.exitCode()).isZero();
    assertThat(get.out().lines().findFirst().orElseThrow())
        .containsSubsequence(
            "NAME", "MODEL", "VERSION", "STRATEGY", "WEIGHT", "READY", "DRIFT", "PHASE", "AGE");
    assertThat(get.out())
        .containsPattern(
            "iris\\s+iris\\s+2\\.0\\.0\\s+RollingUpdate\\s+10\\s+False\\s+Normal\\s+Progressing\\s+\\d+s");

    assertThat(kubectl.run("annotate", "md/iris", "-n", "ml", "modelship.io/promote=t1").out())
        .contains("annotated");
    GenericKubernetesResource md =
        client.genericKubernetesResources(MD).inNamespace("ml").withName("iris").get();
    assertThat(md.getMetadata().getAnnotations()).containsEntry("modelship.io/promote", "t1");
    assertThat(md.getAdditionalProperties().get("spec").toString()).contains("version=2.0.0");

    assertThat(kubectl.run("get", "md", "iris", "-n", "ml", "-o", "yaml").out())
        .contains("kind: ModelDeployment", "version: 2.0.0", "canaryWeight: 10");
    client
        .v1()
        .events()
        .inNamespace("ml")
        .resource(
            new io.fabric8.kubernetes.api.model.EventBuilder()
                .withNewMetadata()
                .withName("iris.1")
                .endMetadata()
                .withNewInvolvedObject()
                .withKind("ModelDeployment")
                .withName("iris")
                .withNamespace("ml")
                .withApiVersion("modelship.io/v1alpha1")
                .withUid(md.getMetadata().getUid())
                .endInvolvedObject()
                .withType("Normal")
                .withReason("RolloutStarted")
                .withMessage("rolling out 2.0.0")
                .withCount(1)
                .withLastTimestamp(java.time.Instant.now().toString())
                .build())
        .create();
    client
        .v1()
        .events()
        .inNamespace("ml")
        .resource(
            new io.fabric8.kubernetes.api.model.EventBuilder()
                .withNewMetadata()
                .withName("other.1")
                .endMetadata()
                .withNewInvolvedObject()
                .withKind("Pod")
                .withName("other")
                .withNamespace("ml")
                .endInvolvedObject()
                .withType("Normal")
                .withReason("Unrelated")
                .withMessage("not about iris")
                .build())
        .create();
    var describe = kubectl.run("describe", "md", "iris", "-n", "ml");
    assertThat(describe.exitCode()).isZero();
    assertThat(describe.out())
        .contains("Name:         iris", "RolloutStarted", "rolling out 2.0.0")
        .doesNotContain("Unrelated");
    assertThat(kubectl.run("get", "events", "-n", "ml").out())
        .contains("modeldeployment/iris", "RolloutStarted");
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void runtimeReportsShowTheirDeploymentVersionAndP99InMilliseconds(Path binary) throws Exception {
    Kubectl kubectl = new Kubectl(binary, api.kubeconfig());
    Path report = dir.resolve("report.yaml");
    Files.writeString(
        report,
        """
        apiVersion: modelship.io/v1alpha1
        kind: RuntimeReport
        metadata:
          name: iris-abc
          namespace: ml
          labels: {modelship.io/deployment: iris, modelship.io/version: 1.0.0}
        spec: {ready: true, requestCount: 120, errorCount: 1, latencyP99Ms: 4.5, driftStatus: Normal}
        """);
    Kubectl.Result applied = kubectl.run("apply", "-f", report.toString());
    assertThat(applied.exitCode()).as(applied.out()).isZero();
    var get = kubectl.run("get", "runtimereports", "-n", "ml");
    assertThat(get.out().lines().findFirst().orElseThrow())
        .containsSubsequence(
            "NAME",
            "DEPLOYMENT",
            "VERSION",
            "READY",
            "REQUESTS",
            "ERRORS",
            "P99-MS",
            "DRIFT",
            "AGE");
    assertThat(get.out())
        .containsPattern("iris-abc\\s+iris\\s+1\\.0\\.0\\s+true\\s+120\\s+1\\s+4\\.5\\s+Normal");
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void packageReferencesAreAKindOfTheirOwnSoRuntimeReportsListPodsOnly(Path binary)
      throws Exception {
    Kubectl kubectl = new Kubectl(binary, api.kubeconfig());
    Path objects = dir.resolve("report-and-reference.yaml");
    Files.writeString(
        objects,
        """
        apiVersion: modelship.io/v1alpha1
        kind: RuntimeReport
        metadata:
          name: iris-abc
          namespace: ml
          labels: {modelship.io/deployment: iris, modelship.io/version: 1.0.0}
        spec: {ready: true, requestCount: 120, errorCount: 1, latencyP99Ms: 4.5}
        ---
        apiVersion: modelship.io/v1alpha1
        kind: ModelPackageReference
        metadata:
          name: iris-ref-0123456789ab
          namespace: ml
          labels: {modelship.io/deployment: iris, modelship.io/version: 1.0.0}
        spec: {version: 1.0.0, packageSha256: 0123456789abcdef0123}
        """);
    Kubectl.Result applied = kubectl.run("apply", "-f", objects.toString());
    assertThat(applied.exitCode()).as(applied.out()).isZero();

    var reports = kubectl.run("get", "runtimereports", "-n", "ml", "-o", "name");
    assertThat(reports.exitCode()).as(reports.out()).isZero();
    assertThat(reports.out().lines().toList())
        .as("the pods' reports, not the package's reference")
        .containsExactly("runtimereport.modelship.io/iris-abc");

    var references = kubectl.run("get", "modelpackagereferences", "-n", "ml");
    assertThat(references.exitCode()).as(references.out()).isZero();
    assertThat(references.out().lines().findFirst().orElseThrow())
        .containsSubsequence("NAME", "DEPLOYMENT", "VERSION", "SHA256", "AGE");
    assertThat(references.out())
        .containsPattern("iris-ref-0123456789ab\\s+iris\\s+1\\.0\\.0\\s+0123456789abcdef0123");
    assertThat(kubectl.run("get", "mpref", "-n", "ml", "-o", "name").out().strip())
        .isEqualTo("modelpackagereference.modelship.io/iris-ref-0123456789ab");
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void waitAndWatchSeeTheStatusChange(Path binary) throws Exception {
    Kubectl kubectl = new Kubectl(binary, api.kubeconfig());
    kubectl.run("apply", "-f", HOME.resolve("examples/iris-modeldeployment.yaml").toString());
    Path watchOut = dir.resolve("watch.out");
    Process watch = kubectl.start(watchOut, "get", "md", "-n", "ml", "-w");
    Process wait =
        kubectl.start(
            dir.resolve("wait.out"),
            "wait",
            "--for=condition=Ready",
            "md/iris",
            "-n",
            "ml",
            "--timeout=60s");
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Files.readString(watchOut).contains("1.0.0"));
      Thread.sleep(500);
      assertThat(wait.isAlive()).as("wait returns only once Ready").isTrue();
      client
          .genericKubernetesResources(MD)
          .inNamespace("ml")
          .withName("iris")
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              """
              {"status":{"phase":"Healthy","modelName":"iris","strategy":"RollingUpdate","trafficWeight":100,
               "conditions":[{"type":"Ready","status":"True","reason":"AllReady","message":"2/2"}]}}""");
      assertThat(wait.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(wait.exitValue()).isZero();
      assertThat(Files.readString(dir.resolve("wait.out"))).contains("condition met");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Files.readString(watchOut).contains("Healthy"));
      assertThat(Files.readString(watchOut))
          .containsPattern("iris\\s+iris\\s+1\\.0\\.0\\s+RollingUpdate\\s+100\\s+True\\s+Healthy");
    } finally {
      watch.destroy();
      wait.destroy();
      watch.waitFor();
      wait.waitFor();
    }
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void builtInKindsPrintTheirColumns(Path binary) {
    Kubectl kubectl = new Kubectl(binary, api.kubeconfig());
    client
        .apps()
        .deployments()
        .inNamespace("ml")
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("iris-1-0-0")
                .endMetadata()
                .withNewSpec()
                .withReplicas(2)
                .withNewSelector()
                .addToMatchLabels("app", "iris")
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", "iris")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("serving")
                .withImage("runtime:1")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
    client
        .apps()
        .deployments()
        .inNamespace("ml")
        .withName("iris-1-0-0")
        .editStatus(
            d -> {
              d.setStatus(
                  new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
                      .withReplicas(2)
                      .withReadyReplicas(1)
                      .withUpdatedReplicas(2)
                      .withAvailableReplicas(1)
                      .build());
              return d;
            });
    client
        .pods()
        .inNamespace("ml")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("iris-1-0-0-a")
                .addToLabels("app", "iris")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("serving")
                .withImage("runtime:1")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .withPodIP("127.0.0.1")
                .addNewContainerStatus()
                .withName("serving")
                .withReady(true)
                .withRestartCount(3)
                .endContainerStatus()
                .endStatus()
                .build())
        .create();
    client
        .services()
        .inNamespace("ml")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("iris")
                .endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .addNewPort()
                .withPort(80)
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build())
        .create();

    var out = kubectl.run("get", "deploy,pods,svc,hpa,pdb,httproute", "-n", "ml").out();
    assertThat(out)
        .containsPattern("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE")
        .containsPattern("deployment.apps/iris-1-0-0\\s+1/2\\s+2\\s+1\\s+\\d+s")
        .containsPattern("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE")
        .containsPattern("pod/iris-1-0-0-a\\s+1/1\\s+Running\\s+3\\s+\\d+s")
        .containsPattern("service/iris\\s+ClusterIP\\s+<none>\\s+<none>\\s+80/TCP");
    assertThat(kubectl.run("get", "pods", "-n", "ml", "-l", "app=iris", "-o", "name").out())
        .contains("pod/iris-1-0-0-a");
    assertThat(kubectl.run("get", "pods", "-n", "ml", "-l", "app=other", "-o", "name").out())
        .doesNotContain("iris-1-0-0-a");
    var all = kubectl.run("get", "all", "-n", "ml");
    assertThat(all.exitCode()).as(all.out()).isZero();
    assertThat(all.out()).contains("pod/iris-1-0-0-a", "deployment.apps/iris-1-0-0");
    var missing = kubectl.run("get", "md", "nope", "-n", "ml");
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.out()).contains("NotFound", "\"nope\" not found");
  }

  @ParameterizedTest
  @MethodSource("kubectls")
  void createBuiltInKindsFromFilesAndGenerators(Path binary) throws Exception {
    Kubectl kubectl = new Kubectl(binary, api.kubeconfig());
    Path configMap = dir.resolve("settings.yaml");
    Files.writeString(
        configMap,
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: ml}
        data: {mode: local}
        """);
    var created = kubectl.run("create", "-f", configMap.toString());
    assertThat(created.exitCode()).as(created.out()).isZero();
    assertThat(created.out()).contains("configmap/settings created");
    assertThat(client.configMaps().inNamespace("ml").withName("settings").get().getData())
        .containsEntry("mode", "local");
    var again = kubectl.run("create", "-f", configMap.toString());
    assertThat(again.exitCode()).isNotZero();
    assertThat(again.out()).contains("AlreadyExists", "configmaps \"settings\" already exists");

    // The generators use kubectl's typed clients, which send protobuf.
    var deployment =
        kubectl.run("create", "deployment", "web", "-n", "ml", "--image=runtime:1", "--replicas=2");
    assertThat(deployment.exitCode()).as(deployment.out()).isZero();
    assertThat(deployment.out()).contains("deployment.apps/web created");
    var web = client.apps().deployments().inNamespace("ml").withName("web").get();
    assertThat(web.getSpec().getReplicas()).isEqualTo(2);
    assertThat(web.getSpec().getSelector().getMatchLabels()).containsEntry("app", "web");
    assertThat(web.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage())
        .isEqualTo("runtime:1");
    assertThat(web.getSpec().getTemplate().getMetadata().getCreationTimestamp())
        .as("a zero time is left out")
        .isNull();

    assertThat(kubectl.run("create", "namespace", "other").out())
        .contains("namespace/other created");
    assertThat(client.namespaces().withName("other").get()).isNotNull();
    assertThat(
            kubectl
                .run(
                    "create", "secret", "generic", "token", "-n", "ml", "--from-literal=key=s3cret")
                .out())
        .contains("secret/token created");
    assertThat(client.secrets().inNamespace("ml").withName("token").get().getData())
        .containsEntry(
            "key",
            java.util.Base64.getEncoder()
                .encodeToString("s3cret".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertThat(
            kubectl.run("create", "service", "clusterip", "web", "-n", "ml", "--tcp=80:8080").out())
        .contains("service/web created");
    var port =
        client.services().inNamespace("ml").withName("web").get().getSpec().getPorts().getFirst();
    assertThat(port.getPort()).isEqualTo(80);
    assertThat(port.getTargetPort().getIntVal()).isEqualTo(8080);
    assertThat(kubectl.run("get", "deploy,svc,cm,secret", "-n", "ml").out())
        .contains("deployment.apps/web", "service/web", "configmap/settings", "secret/token");
  }
}
