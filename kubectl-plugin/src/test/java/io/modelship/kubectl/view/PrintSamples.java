package io.modelship.kubectl.view;

import java.util.List;

/** Prints the get views of the samples (for the README): java -cp … PrintSamples. */
final class PrintSamples {
  public static void main(String[] args) {
    for (String s : List.of("canary-progressing", "bluegreen-preview", "canary-paused", "canary-rolledback", "healthy", "healthy-stale", "no-status", "failed")) {
      List<io.fabric8.kubernetes.api.model.apps.Deployment> d = s.equals("canary-progressing") || s.equals("bluegreen-preview")
          ? Samples.deployments(s + "-deployments.yaml") : List.of();
      System.out.println("===== " + s);
      System.out.print(DetailView.render(Samples.resource(s + ".yaml"), d, Samples.NOW));
    }
    System.out.print(ListView.render(List.of(Samples.view("canary-progressing.yaml"), Samples.view("bluegreen-preview.yaml"), Samples.view("healthy-stale.yaml")), false, Samples.NOW));
    System.out.print(HistoryView.render(Samples.view("canary-rolledback.yaml"), Samples.NOW));
  }
}
