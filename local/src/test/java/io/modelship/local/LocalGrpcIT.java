package io.modelship.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.modelship.local.cluster.LocalCluster;
import io.modelship.local.kube.Kubectl;
import io.modelship.local.pods.PodRunner;
import io.modelship.local.scenario.Verdict;
import io.modelship.local.traffic.GrpcInferClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a {@code --keep-running} user does with gRPC: the iris example on two real runtime
 * processes, called with grpc-java through the Service's {@code grpc} port on this machine, which
 * the traffic router forwards (h2c) to the pods' own gRPC ports.
 */
class LocalGrpcIT {

  static final Path HOME =
      Path.of(System.getProperty("modelship.home", "..")).toAbsolutePath().normalize();
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;

  @Test
  void theServicesGrpcPortReachesThePodsGrpcServers() throws Exception {
    Path kubectlBinary = Kubectl.binaries().findFirst().orElseThrow();
    try (LocalCluster cluster = LocalCluster.start(new LocalCluster.Layout(HOME, work), 0)) {
      Kubectl kubectl = new Kubectl(kubectlBinary, cluster.layout().kubeconfig());
      cluster
          .client()
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName("ml").endMetadata().build())
          .create();
      assertThat(
              kubectl
                  .run("apply", "-f", HOME.resolve("examples/local/iris-rolling.yaml").toString())
                  .out())
          .contains("modeldeployment.modelship.io/iris created");
      await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                var md =
                    cluster
                        .client()
                        .genericKubernetesResources(LocalModeIT.MD)
                        .inNamespace("ml")
                        .withName("iris")
                        .get();
                return md != null && Verdict.stableUp(JSON.valueToTree(md));
              });

      // Each pod serves gRPC on a port of its own (every local pod shares 127.0.0.1) and says
      // which.
      List<Pod> pods = cluster.client().pods().inNamespace("ml").list().getItems();
      Set<String> grpcPorts = new HashSet<>();
      for (Pod p : pods) {
        grpcPorts.add(p.getMetadata().getAnnotations().get(PodRunner.GRPC_PORT_ANNOTATION));
      }
      assertThat(grpcPorts).hasSize(2).doesNotContainNull();

      String address = cluster.proxy().grpcService("ml", "iris").orElseThrow().address();
      // Setosa's measurements, as the README's curl sends them; one connection per call, so the
      // router's per-connection round robin sends the calls to both pods.
      for (int i = 0; i < 2; i++) {
        String out = GrpcInferClient.call(HOME, address, "iris", 5.1, 3.5, 1.4, 0.2);
        assertThat(out).as(out).contains("ready true").contains("answer iris 1.0.0 setosa");
      }
      String wrong = GrpcInferClient.call(HOME, address, "iris", 5.1, 3.5);
      assertThat(wrong)
          .as("the pod's own error comes back through the router")
          .contains("status INVALID_ARGUMENT")
          .contains("4");
    }
  }
}
