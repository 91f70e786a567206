package io.modelship.operator.harness;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelship.api.v1alpha1.ModelDeployment;
import io.modelship.api.v1alpha1.RuntimeReport;
import io.modelship.api.v1alpha1.report.BinnedCounts;
import io.modelship.api.v1alpha1.report.ReportSignature;
import io.modelship.api.v1alpha1.report.RuntimeReportSpec;
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

  /**
   * A report whose two features and predictions each count {@code a + b + c} rows since the pod
   * started, {@code a + b + c} labelled feedbacks of which {@code a + b} correct.
   */
  public static RuntimeReportSpec report(
      String version, long requests, long errors, long a, long b, long c, Instant time) {
    var report = new RuntimeReportSpec();
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
    report.setFeedbackCount(a + b + c);
    report.setFeedbackCorrect(a + b);
    report.setFeatures(
        Map.of(
            "petal_length", bins(EDGES, null, REFERENCE, List.of(a, b, c)),
            "sepal_width", bins(EDGES, null, REFERENCE, List.of(c, b, a))));
    report.setPrediction(bins(List.of(), LABELS, PREDICTION_REFERENCE, List.of(a + b, c)));
    report.setReportTime(time.toString());
    return report;
  }

  /** The report's latency buckets count {@code requests} requests that all took {@code ms}. */
  public static RuntimeReportSpec latency(RuntimeReportSpec report, long requests, double ms) {
    var counts = new long[io.modelship.api.v1alpha1.report.LatencyBuckets.COUNT];
    counts[io.modelship.api.v1alpha1.report.LatencyBuckets.bucketOf(ms)] = requests;
    report.setLatencyCounts(io.modelship.api.v1alpha1.report.LatencyBuckets.trimmed(counts));
    return report;
  }

  public static BinnedCounts bins(
      List<Double> edges, List<String> labels, List<Double> reference, List<Long> counts) {
    var bins = new BinnedCounts();
    bins.setEdges(edges);
    bins.setLabels(labels);
    bins.setReference(reference);
    bins.setCounts(counts);
    return bins;
  }

  /**
   * Writes one pod's RuntimeReport the way the runtime does: named after the pod, labelled with the
   * ModelDeployment and the report's version, owned by the pod (which must exist).
   */
  public static void write(
      KubernetesClient client,
      String namespace,
      String name,
      String pod,
      RuntimeReportSpec report) {
    // A real pod exists before it can report; the fake Deployment controller may still be creating
    // it.
    Pod owner =
        org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofSeconds(10))
            .until(
                () -> client.pods().inNamespace(namespace).withName(pod).get(),
                java.util.Objects::nonNull);
    write(client, namespace, name, pod, owner.getMetadata().getUid(), report);
  }

  /**
   * As {@link #write(KubernetesClient, String, String, String, RuntimeReportSpec)}, with any owner
   * UID, signed as a pod of {@code name} signs (with the key the harness's operator derives).
   */
  public static void write(
      KubernetesClient client,
      String namespace,
      String name,
      String pod,
      String ownerUid,
      RuntimeReportSpec report) {
    ModelDeployment md =
        client.resources(ModelDeployment.class).inNamespace(namespace).withName(name).get();
    write(client, namespace, name, pod, ownerUid, report, OperatorHarness.KEYS.reportKey(md));
  }

  /** The key a pod of {@code name} signs its reports with. */
  public static byte[] key(KubernetesClient client, String namespace, String name) {
    return OperatorHarness.KEYS.reportKey(
        client.resources(ModelDeployment.class).inNamespace(namespace).withName(name).get());
  }

  /** Written as a pod holding {@code key} would write it; null writes it unsigned. */
  public static void write(
      KubernetesClient client,
      String namespace,
      String name,
      String pod,
      String ownerUid,
      RuntimeReportSpec report,
      byte[] key) {
    var object = new RuntimeReport();
    object.setMetadata(
        new ObjectMetaBuilder()
            .withName(pod)
            .withNamespace(namespace)
            .withLabels(
                Map.of(
                    RuntimeReport.LABEL_DEPLOYMENT,
                    name,
                    RuntimeReport.LABEL_VERSION,
                    report.getVersion()))
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("v1")
                    .withKind("Pod")
                    .withName(pod)
                    .withUid(ownerUid)
                    .build())
            .build());
    if (key != null) {
      object
          .getMetadata()
          .setAnnotations(
              Map.of(
                  ReportSignature.ANNOTATION,
                  ReportSignature.sign(key, namespace, name, pod, report)));
    }
    object.setSpec(report);
    client
        .resources(RuntimeReport.class)
        .inNamespace(namespace)
        .resource(object)
        .createOr(r -> r.update());
  }
}
