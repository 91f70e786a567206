package io.modelship.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.modelship.api.testing.MergePatchCrudDispatcher;
import io.modelship.api.v1alpha1.RuntimeReport;
import io.modelship.runtime.TestModels;
import io.modelship.runtime.http.ServingApp;
import io.modelship.runtime.server.ServeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl get runtimereports} right after a ModelDeployment turns Healthy lists its pods: a
 * pod writes its first report as it turns ready, not one report interval later.
 */
class FirstReportTest {

  KubernetesMockServer server;
  KubernetesClient client;

  @BeforeEach
  void start() throws Exception {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new MergePatchCrudDispatcher(),
            false);
    server.init();
    client = server.createClient();
    var crd =
        Serialization.unmarshal(
            Files.readString(
                Path.of(
                    System.getProperty("crds.dir", "../crds"),
                    "runtimereports.modelship.io-v1.yml")),
            CustomResourceDefinition.class);
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  @Test
  void theFirstReportSaysReadyLongBeforeTheIntervalEnds() {
    var env = new HashMap<String, String>();
    env.put("MODEL_URI", TestModels.irisDirectory().toString());
    env.put("HOST", "127.0.0.1");
    env.put("PORT", "0");
    env.put("DRAIN_TIMEOUT_SECONDS", "1");
    env.putAll(
        Map.of(
            "POD_NAME",
            "iris-abc",
            "POD_UID",
            "uid-abc",
            "POD_NAMESPACE",
            "ml",
            "MODELDEPLOYMENT_NAME",
            "iris",
            "REPORT_INTERVAL_SECONDS",
            "600"));
    ServingApp app =
        new ServingApp(ServeConfig.fromEnvironment(env).validate()).start(server::createClient);
    try {
      // The periodic reports start after a random part of the 10 minutes and would say "loading"
      // if they came this early; the one written on turning ready says ready.
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                RuntimeReport report =
                    client
                        .resources(RuntimeReport.class)
                        .inNamespace("ml")
                        .withName("iris-abc")
                        .get();
                return report != null && Boolean.TRUE.equals(report.getSpec().getReady());
              });
      RuntimeReport report =
          client.resources(RuntimeReport.class).inNamespace("ml").withName("iris-abc").get();
      assertThat(report.getSpec().getVersion()).isEqualTo("1.0.0");
      assertThat(report.getMetadata().getLabels())
          .containsEntry(RuntimeReport.LABEL_DEPLOYMENT, "iris");
    } finally {
      app.close();
    }
  }
}
