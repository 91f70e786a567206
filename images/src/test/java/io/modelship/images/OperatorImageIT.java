package io.modelship.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.modelship.local.kube.EmbeddedApiServer;
import io.modelship.local.pods.ModelStore;
import io.modelship.local.pods.PodRunner;
import io.modelship.local.pods.ProcessContainers;
import io.modelship.local.process.ChildProcesses;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator image, run as its Deployment would (UID 65532, read-only root filesystem, no
 * capabilities) with a mounted kubeconfig against local mode's embedded API server, whose pod
 * runner starts the serving pods it creates: an example ModelDeployment reaches Healthy.
 */
class OperatorImageIT {

  static final ResourceDefinitionContext MD =
      new ResourceDefinitionContext.Builder()
          .withGroup("modelship.io")
          .withVersion("v1alpha1")
          .withPlural("modeldeployments")
          .withKind("ModelDeployment")
          .withNamespaced(true)
          .build();

  @BeforeAll
  static void images() throws Exception {
    Podman.buildImages();
  }

  @Test
  void reconcilesAnExampleToHealthyAgainstTheEmbeddedApi() throws Exception {
    Path work =
        Files.createDirectories(
            Podman.HOME.resolve("images/target/operator-it-" + UUID.randomUUID()));
    Path kubeconfigDir = Files.createDirectories(work.resolve("kube"));
    Path kubeconfig = kubeconfigDir.resolve("config");
    String name = "modelship-it-operator-" + UUID.randomUUID().toString().substring(0, 8);
    String runtimeJar =
        Podman.HOME.resolve("serving-runtime/target/serving-runtime.jar").toString();
    try (EmbeddedApiServer api =
            EmbeddedApiServer.start(0, kubeconfig, Podman.HOME.resolve("crds"));
        KubernetesClient client = api.client();
        ChildProcesses processes = new ChildProcesses();
        PodRunner pods =
            new PodRunner(
                    client,
                    new ProcessContainers(
                        processes,
                        Path.of(runtimeJar),
                        kubeconfig,
                        new ModelStore(List.of(Podman.HOME.resolve("examples/models"))),
                        work,
                        List.of("-Xmx128m", "-XX:TieredStopAtLevel=1")),
                    work)
                .start()) {
      // The master key the operator derives its ModelDeployments' signing keys from (the chart
      // mounts
      // it from a Secret; an operator without the signing change ignores the variable).
      Path signingKey = kubeconfigDir.resolve("signing-key");
      byte[] key = new byte[32];
      new java.security.SecureRandom().nextBytes(key);
      Files.write(signingKey, key);
      // The container's user (65532) reads the mounted kubeconfig and key.
      Files.setPosixFilePermissions(kubeconfigDir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(kubeconfig, PosixFilePermissions.fromString("rw-r--r--"));
      Files.setPosixFilePermissions(signingKey, PosixFilePermissions.fromString("rw-r--r--"));
      int httpPort = ServingRuntimeImageIT.freePort();
      List<String> args =
          new ArrayList<>(
              List.of(
                  "run",
                  "-d",
                  "--name",
                  name,
                  "--network",
                  "host",
                  "--user",
                  "65532:65532",
                  "--read-only",
                  "--read-only-tmpfs=false",
                  "--tmpfs",
                  "/tmp:rw,size=64m,mode=1777",
                  "--cap-drop",
                  "ALL",
                  "--security-opt",
                  "no-new-privileges",
                  "--memory",
                  "256m",
                  "--memory-swap",
                  "256m",
                  "-v",
                  kubeconfigDir + ":/kube:ro",
                  "-e",
                  "KUBECONFIG=/kube/config",
                  "-e",
                  "MODELSHIP_SIGNING_KEY_FILE=/kube/signing-key"));
      args.addAll(Podman.ULIMITS);
      args.addAll(
          List.of(
              Podman.OPERATOR_IMAGE,
              "--leader-election",
              "false",
              "--http-port",
              Integer.toString(httpPort)));
      Podman.run(Duration.ofMinutes(1), args).ok();

      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                if (!"true".equals(Podman.inspect(name, "{{.State.Running}}"))) {
                  throw new AssertionError(
                      "the operator container stopped:\n" + Podman.run("logs", name).out());
                }
                return ServingRuntimeImageIT.status("http://127.0.0.1:" + httpPort + "/readyz")
                    == 200;
              });

      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName("ml").endMetadata().build())
          .create();
      try (InputStream in =
          Files.newInputStream(Podman.HOME.resolve("examples/local/iris-rolling.yaml"))) {
        client.load(in).inNamespace("ml").create();
      }
      try {
        await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> "Healthy".equals(phase(client)));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError(
            "phase " + phase(client) + "; operator log:\n" + Podman.run("logs", name).out(), e);
      }
      assertThat(client.apps().deployments().inNamespace("ml").list().getItems())
          .singleElement()
          .satisfies(
              d ->
                  assertThat(
                          d.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage())
                      .isEqualTo(Podman.DEFAULT_RUNTIME_IMAGE));
      assertThat(ServingRuntimeImageIT.get("http://127.0.0.1:" + httpPort + "/metrics", 200))
          .contains("modelship_operator_reconciles_total");
      assertThat(Podman.inspect(name, "{{.State.Running}} {{.State.OOMKilled}}"))
          .isEqualTo("true false");
    } finally {
      Podman.remove(name);
    }
  }

  static String phase(KubernetesClient client) {
    GenericKubernetesResource md =
        client.genericKubernetesResources(MD).inNamespace("ml").withName("iris").get();
    if (md == null || !(md.getAdditionalProperties().get("status") instanceof Map<?, ?> status)) {
      return null;
    }
    return String.valueOf(status.get("phase"));
  }
}
