package io.modelship.kubectl;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;

/**
 * The fleet view as a running thing: watches on the API server feeding a web server on 127.0.0.1.
 * {@code kubectl modelship dashboard} runs one; local mode runs one beside its cluster.
 */
public final class FleetView implements AutoCloseable {

  private final FleetWatch watch;
  private final FleetServer server;

  private FleetView(FleetWatch watch, FleetServer server) {
    this.watch = watch;
    this.server = server;
  }

  /**
   * Starts watching one namespace (all when null) with the client's credentials, and serving the
   * page on 127.0.0.1 at the port (0: any free one). The client stays the caller's to close.
   */
  public static FleetView start(KubernetesClient client, String namespace, int port)
      throws IOException {
    FleetServer[] server = new FleetServer[1];
    FleetWatch watch =
        new FleetWatch(
            client,
            namespace,
            () -> {
              FleetServer s = server[0];
              if (s != null) {
                s.changed();
              }
            });
    try {
      server[0] = new FleetServer(port, () -> watch.json(watch.snapshot()));
      return new FleetView(watch, server[0]);
    } catch (IOException | RuntimeException e) {
      watch.close();
      throw e;
    }
  }

  /** Where to point a browser, e.g. http://127.0.0.1:41723/. */
  public String url() {
    return server.url();
  }

  @Override
  public void close() {
    server.close();
    watch.close();
  }
}
