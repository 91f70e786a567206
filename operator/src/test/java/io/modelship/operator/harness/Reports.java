package io.modelship.operator.harness;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.status.BinnedCounts;
import io.modelship.api.v1alpha1.status.RuntimeReport;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Runtime reports as serving pods write them. */
public final class Reports {

  public static final List<Double> EDGES = List.of(1.0, 2.0);
  public static final List<Double> REFERENCE = List.of(0.3, 0.4, 0.3);
  public static final List<String> LABELS = List.of("setosa", "versicolor");
  public static final List<Double> PREDICTION_REFERENCE = List.of(0.5, 0.5);

  private Reports() {}

  /** A report whose two features and predictions each count {@code a + b + c} rows. */
  public static RuntimeReport report(String version, long requests, long errors, long a, long b, long c, Instant time) {
    var report = new RuntimeReport();
    report.setVersion(version);
    report.setReady(true);
    report.setModelLoaded(true);
    report.setRequestCount(requests);
    report.setErrorCount(errors);
    report.setLatencyP50Ms(1.0 + a);
    report.setLatencyP99Ms(5.0 + a);
    report.setAccuracyBaseline(0.95);
    report.setAccuracyLabelled(a + b + c);
    report.setAccuracyCorrect(a + b);
    report.setFeatures(Map.of(
        "petal_length", bins(EDGES, null, REFERENCE, List.of(a, b, c)),
        "sepal_width", bins(EDGES, null, REFERENCE, List.of(c, b, a))));
    report.setPrediction(bins(List.of(), LABELS, PREDICTION_REFERENCE, List.of(a + b, c)));
    report.setReportTime(time.toString());
    return report;
  }

  public static BinnedCounts bins(List<Double> edges, List<String> labels, List<Double> reference, List<Long> counts) {
    var bins = new BinnedCounts();
    bins.setEdges(edges);
    bins.setLabels(labels);
    bins.setReference(reference);
    bins.setCounts(counts);
    return bins;
  }

  /** Writes one pod's entry the way the runtime does: a merge patch of only that entry. */
  public static void write(KubernetesClient client, String namespace, String name, String pod, RuntimeReport report) {
    var body = Map.of("status", Map.of("runtimeReports", Map.of(pod, report)));
    client.resources(ModelDeployment.class).inNamespace(namespace).withName(name).subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), client.getKubernetesSerialization().asJson(body));
  }
}
