package io.modelship.local.scenario;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelship.api.v1alpha1.RuntimeReport;
import io.modelship.local.autoscale.PodMetrics;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Locale;

/**
 * What became of the labels a version's pods received, read from their {@code /metrics}: rows
 * written to the retraining sink, labels a pod handed to the replica that had predicted the row,
 * and rows lost (the sink dropped them, their features were forgotten, or the replica that had them
 * did not answer). With two or more pods behind a Service about half the labels reach a pod that
 * did not predict the row: the hand-over is what keeps those rows.
 */
record KeptRows(int pods, long written, long handedOver, long lost) {

  static final String ROWS = "modelship_retraining_sink_rows_total";
  static final String HANDED_OVER = "modelship_retraining_labels_forwarded_total";

  /** The sums over the running pods of {@code version} of the ModelDeployment {@code name}. */
  static KeptRows of(KubernetesClient client, String namespace, String name, String version) {
    List<Pod> pods =
        client
            .pods()
            .inNamespace(namespace)
            .withLabel(RuntimeReport.LABEL_DEPLOYMENT, name)
            .withLabel(RuntimeReport.LABEL_VERSION, version)
            .list()
            .getItems();
    KeptRows sum = new KeptRows(0, 0, 0, 0);
    try (HttpClient http = HttpClient.newHttpClient()) {
      for (Pod pod : pods) {
        // a pod that does not answer adds nothing
        sum = PodMetrics.exposition(http, pod).map(KeptRows::parse).map(sum::plus).orElse(sum);
      }
    }
    return sum;
  }

  /** One pod's figures from its Prometheus text exposition. */
  static KeptRows parse(String exposition) {
    long written = 0;
    long handedOver = 0;
    long lost = 0;
    for (String line : exposition.split("\n")) {
      int space = line.lastIndexOf(' ');
      if (line.startsWith("#") || space < 0) {
        continue;
      }
      long value;
      try {
        value = Math.round(Double.parseDouble(line.substring(space + 1)));
      } catch (NumberFormatException e) {
        continue;
      }
      if (line.startsWith(HANDED_OVER + " ") || line.startsWith(HANDED_OVER + "{")) {
        handedOver += value;
      } else if (line.startsWith(ROWS + "{")) {
        if (line.contains("outcome=\"written\"")) {
          written += value;
        } else {
          lost += value;
        }
      }
    }
    return new KeptRows(1, written, handedOver, lost);
  }

  KeptRows plus(KeptRows other) {
    return new KeptRows(
        pods + other.pods,
        written + other.written,
        handedOver + other.handedOver,
        lost + other.lost);
  }

  String message(String version) {
    return String.format(
        Locale.ROOT,
        "labels for %s's %d pod(s): %d reached a pod that had not predicted the row and were"
            + " handed to the one that had; %d rows written to the sink so far, %d lost",
        version,
        pods,
        handedOver,
        written,
        lost);
  }
}
