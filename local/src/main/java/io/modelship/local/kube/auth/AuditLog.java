package io.modelship.local.kube.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;

/**
 * One JSON line per request, in the spirit of kube-apiserver's audit log at level Metadata: when,
 * who (user and groups), verb, API group, resource (with subresource), namespace, name, URI and the
 * response code. A denied request shows as code 403 naming the verb and resource that was missing
 * from the user's rules.
 */
public final class AuditLog implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Writer out;
  private final Clock clock;

  public AuditLog(Path file, Clock clock) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    out =
        Files.newBufferedWriter(
            file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    this.clock = clock;
  }

  public void record(UserInfo user, RequestAttributes request, String uri, int code) {
    ObjectNode line =
        JSON.createObjectNode().put("ts", clock.instant().toString()).put("user", user.name());
    user.groups().forEach(line.putArray("groups")::add);
    line.put("verb", request.verb());
    if (request.resourceRequest()) {
      line.put("apiGroup", request.apiGroup())
          .put("resource", request.resourceAndSubresource())
          .put("namespace", request.namespace())
          .put("name", request.name());
    }
    line.put("uri", uri).put("code", code);
    synchronized (out) {
      try {
        out.write(line.toString());
        out.write('\n');
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public void close() {
    synchronized (out) {
      try {
        out.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
