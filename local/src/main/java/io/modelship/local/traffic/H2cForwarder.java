package io.modelship.local.traffic;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Service's {@code grpc} port on this machine: forwards each TCP connection, as kube-proxy does,
 * to one pod's gRPC port chosen when the connection opens, and copies bytes both ways untouched, so
 * gRPC's HTTP/2 over cleartext (h2c) passes whole: streams, trailers, flow control. Balancing is
 * per connection, as it is through a ClusterIP Service; a client that wants every call spread opens
 * more channels (or goes through a mesh, which balances per request).
 *
 * <p>When no pod can take the connection, every call on it is answered UNAVAILABLE with a message
 * that says why, as a gRPC server would, instead of a bare reset.
 */
final class H2cForwarder implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(H2cForwarder.class);

  /** The client connection preface every HTTP/2 connection starts with (RFC 9113, section 3.4). */
  private static final int CLIENT_PREFACE_BYTES = 24;

  private static final int HEADERS = 0x1;
  private static final int SETTINGS = 0x4;
  private static final int ACK = 0x1;
  private static final int END_STREAM = 0x1;
  private static final int END_HEADERS = 0x4;

  /** Where to send a new connection: a pod's gRPC port, or why there is none. */
  sealed interface Target permits Pod, NoPod {}

  record Pod(int port) implements Target {}

  record NoPod(String why) implements Target {}

  private final ServerSocket server;
  private final ExecutorService executor;
  private final Supplier<Target> target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  H2cForwarder(String name, ExecutorService executor, Supplier<Target> target) throws IOException {
    this.executor = executor;
    this.target = target;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    Thread.ofVirtual().name("h2c-" + name).start(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        open.add(client);
        executor.submit(() -> connect(client));
      } catch (IOException e) {
        if (!closed) {
          log.debug("h2c accept on {}: {}", port(), e.getMessage());
        }
      }
    }
  }

  private void connect(Socket client) {
    try {
      client.setTcpNoDelay(true);
      Target t = target.get();
      if (t instanceof NoPod(String why)) {
        refuse(client, why);
        return;
      }
      Socket pod = new Socket();
      open.add(pod);
      try {
        pod.connect(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), ((Pod) t).port()), 10_000);
      } catch (IOException e) {
        refuse(
            client,
            "the pod's gRPC port "
                + ((Pod) t).port()
                + " did not accept the connection: "
                + e.getMessage());
        close(pod);
        return;
      }
      pod.setTcpNoDelay(true);
      AtomicInteger directions = new AtomicInteger(2);
      executor.submit(() -> copy(pod, client, directions));
      copy(client, pod, directions);
    } catch (IOException e) {
      log.debug("h2c connection on {}: {}", port(), e.getMessage());
      close(client);
    }
  }

  /**
   * Copies one direction until it ends and half-closes the other side, so either peer may finish
   * first; once both directions have ended, or at a reset of either, both sockets close.
   */
  private void copy(Socket from, Socket to, AtomicInteger directions) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
      }
      to.shutdownOutput();
      if (directions.decrementAndGet() > 0) {
        return;
      }
    } catch (IOException e) {
      // A reset on either side ends the connection on both.
    }
    close(from);
    close(to);
  }

  /**
   * Plays an HTTP/2 server that fails every call: its preface (an empty SETTINGS), then for each
   * stream the client opens a trailers-only gRPC answer, {@code grpc-status 14} (UNAVAILABLE) with
   * the reason as {@code grpc-message}, which any gRPC client reports as the call's status. (A
   * GOAWAY would make grpc-java retry transparently until it gives up with INTERNAL.)
   */
  private static void refuse(Socket client, String why) {
    try (client) {
      client.setSoTimeout(5_000);
      DataInputStream in = new DataInputStream(client.getInputStream());
      in.readNBytes(CLIENT_PREFACE_BYTES);
      OutputStream out = client.getOutputStream();
      out.write(frame(SETTINGS, 0, 0, new byte[0]));
      out.flush();
      byte[] headers = unavailable("no ready pod: " + why);
      while (true) {
        int length =
            in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        in.skipNBytes(length);
        if (type == SETTINGS && (flags & ACK) == 0) {
          out.write(frame(SETTINGS, ACK, 0, new byte[0]));
        } else if (type == HEADERS) {
          out.write(frame(HEADERS, END_STREAM | END_HEADERS, stream, headers));
        }
        out.flush();
      }
    } catch (IOException e) {
      // the client has its answers and went away, or waited too long
    }
  }

  /**
   * A trailers-only response block in HPACK: :status 200 (static index 8), then literals never
   * indexed.
   */
  private static byte[] unavailable(String message) {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    block.write(0x88);
    literal(block, "content-type", "application/grpc");
    literal(block, "grpc-status", "14");
    StringBuilder encoded = new StringBuilder();
    for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
      // grpc-message is percent-encoded outside printable ASCII (and '%' itself).
      if (b >= 0x20 && b < 0x7f && b != '%') {
        encoded.append((char) b);
      } else {
        encoded.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    literal(block, "grpc-message", encoded.toString());
    return block.toByteArray();
  }

  private static void literal(ByteArrayOutputStream block, String name, String value) {
    block.write(0x10);
    length(block, name.length());
    block.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
    length(block, value.length());
    block.writeBytes(value.getBytes(StandardCharsets.US_ASCII));
  }

  /** An HPACK integer with a 7-bit prefix and no Huffman coding (RFC 7541, 5.1). */
  private static void length(ByteArrayOutputStream block, int n) {
    if (n < 127) {
      block.write(n);
      return;
    }
    block.write(127);
    n -= 127;
    while (n >= 128) {
      block.write((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    block.write(n);
  }

  private static byte[] frame(int type, int flags, int stream, byte[] payload) {
    ByteBuffer frame = ByteBuffer.allocate(9 + payload.length);
    frame
        .put((byte) (payload.length >>> 16))
        .put((byte) (payload.length >>> 8))
        .put((byte) payload.length)
        .put((byte) type)
        .put((byte) flags)
        .putInt(stream)
        .put(payload);
    return frame.array();
  }

  private void close(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // already gone
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
    open.forEach(this::close);
  }
}
