package io.modelship.local.kube;

import java.io.IOException;
import java.net.URI;

/** One request to the embedded API, whichever transport carried it. */
interface Exchange {

  String method();

  URI uri();

  /** A request header, or null. */
  String header(String name);

  byte[] body();

  void respond(int code, String contentType, byte[] body) throws IOException;

  /** Adds a {@code Warning: 299 - "text"} header to the answer, as kube-apiserver warns clients. */
  void warn(String text);

  /**
   * Starts a 200 streamed answer (chunked HTTP, or WebSocket text frames when the client asked to
   * upgrade) and sends its head at once, so the client sees the watch start.
   */
  EventStream stream() throws IOException;

  /** A watch's event stream: one JSON event per call. */
  interface EventStream {
    void send(String event) throws IOException;

    boolean isOpen();
  }
}
