package io.modelship.local.pods;

import io.fabric8.kubernetes.api.model.Container;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A container's termination message as a kubelet collects it: the file at the container's {@code
 * terminationMessagePath} (default {@value #DEFAULT_PATH}) is a file of the pod's on the host,
 * created empty before the container starts and read once it has exited — its last {@value
 * #MAX_BYTES} bytes. With {@code terminationMessagePolicy: FallbackToLogsOnError}, a container that
 * failed and left the file empty gets the tail of its log instead: the last {@value #LOG_LINES}
 * lines, at most {@value #LOG_BYTES} bytes (the kubelet's limits).
 */
public final class TerminationMessage {

  /** Kubernetes' default terminationMessagePath. */
  public static final String DEFAULT_PATH = "/dev/termination-log";

  static final int MAX_BYTES = 4096;
  static final int LOG_LINES = 80;
  static final int LOG_BYTES = 2048;

  private final Path file;
  private final Path logFile;
  private final boolean fallbackToLogs;

  private TerminationMessage(Path file, Path logFile, boolean fallbackToLogs) {
    this.file = file;
    this.logFile = logFile;
    this.fallbackToLogs = fallbackToLogs;
  }

  /**
   * Creates the empty message file of {@code container} in {@code podDir}, writable by whatever
   * user the container runs as (a kubelet makes it so, whatever {@code runAsUser} says).
   */
  static TerminationMessage prepare(Container container, Path podDir, Path logFile)
      throws IOException {
    Path file = podDir.resolve(container.getName() + ".termination-log");
    Files.deleteIfExists(file);
    Files.createFile(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
    return new TerminationMessage(
        file, logFile, "FallbackToLogsOnError".equals(container.getTerminationMessagePolicy()));
  }

  /** Where the container writes its message, inside it. */
  static String path(Container container) {
    String path = container.getTerminationMessagePath();
    return path == null || path.isBlank() ? DEFAULT_PATH : path;
  }

  /** The host file that is the container's {@link #path}. */
  Path file() {
    return file;
  }

  /** The message of a container that exited with {@code exitCode}; null when there is none. */
  String read(int exitCode) {
    String message = tail(file, MAX_BYTES);
    if ((message == null || message.isEmpty()) && fallbackToLogs && exitCode != 0) {
      message = logTail(tail(logFile, LOG_BYTES));
    }
    return message == null || message.isEmpty() ? null : message;
  }

  /** The last {@link #LOG_LINES} lines of what the last {@link #LOG_BYTES} bytes hold. */
  static String logTail(String tail) {
    if (tail == null) {
      return null;
    }
    List<String> lines = tail.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size()));
  }

  /** The last {@code max} bytes of {@code file} as UTF-8; null when it cannot be read. */
  static String tail(Path file, int max) {
    if (file == null || !Files.isRegularFile(file)) {
      return null;
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      int n = (int) Math.min(length, max);
      byte[] bytes = new byte[n];
      in.seek(length - n);
      in.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "Error on reading termination log " + file + ": " + e.getMessage();
    }
  }
}
