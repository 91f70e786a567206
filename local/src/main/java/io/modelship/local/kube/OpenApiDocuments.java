package io.modelship.local.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenAPI v3 discovery kubectl reads before {@code apply}, {@code create} and {@code replace}:
 * for each group-version a document whose PATCH operations carry the {@code fieldValidation} query
 * parameter, which tells kubectl that the server validates fields itself (so it sends {@code
 * fieldValidation=Strict} and does no client-side schema validation). The documents hold no
 * schemas; {@code kubectl explain} is out of scope.
 */
final class OpenApiDocuments {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final ApiCatalog catalog;

  OpenApiDocuments(ApiCatalog catalog) {
    this.catalog = catalog;
  }

  /**
   * {@code GET /openapi/v2}, which kubectl before 1.27 asks for in protobuf only: a valid OpenAPI
   * v2 {@code Document} (gnostic's {@code openapi.v2.Document}: swagger, info, empty paths and
   * definitions) with no schemas. kubectl before 1.27 refuses {@code apply} without one; with it,
   * it skips client-side validation of the kinds it has no schema for, as for a CRD without one,
   * and leaves validation to the server.
   */
  static byte[] v2() {
    return V2.clone();
  }

  /** The same bytes for every request: nothing in it depends on what is installed. */
  private static final byte[] V2 = v2Document();

  private static byte[] v2Document() {
    try {
      ByteArrayOutputStream info = new ByteArrayOutputStream();
      CodedOutputStream i = CodedOutputStream.newInstance(info);
      i.writeString(1, "Kubernetes");
      i.writeString(2, EmbeddedApiServer.KUBERNETES_VERSION);
      i.flush();
      ByteArrayOutputStream doc = new ByteArrayOutputStream();
      CodedOutputStream d = CodedOutputStream.newInstance(doc);
      d.writeString(1, "2.0");
      d.writeByteArray(2, info.toByteArray());
      d.writeByteArray(8, new byte[0]); // paths
      d.writeByteArray(9, new byte[0]); // definitions
      d.flush();
      return doc.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code GET /openapi/v3}. */
  ObjectNode index() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode paths = root.putObject("paths");
    for (String gv : groupVersions().keySet()) {
      String key = gv.contains("/") ? "apis/" + gv : "api/" + gv;
      paths
          .putObject(key)
          .put(
              "serverRelativeURL",
              "/openapi/v3/"
                  + key
                  + "?hash="
                  + Integer.toHexString(groupVersions().get(gv).hashCode()));
    }
    return root;
  }

  /** {@code GET /openapi/v3/api/v1} or {@code /openapi/v3/apis/GROUP/VERSION}. */
  Optional<ObjectNode> document(String path) {
    String gv =
        path.startsWith("api/")
            ? path.substring(4)
            : path.startsWith("apis/") ? path.substring(5) : null;
    List<ApiResource> resources = gv == null ? null : groupVersions().get(gv);
    if (resources == null) {
      return Optional.empty();
    }
    ObjectNode doc = JSON.createObjectNode().put("openapi", "3.0.0");
    doc.putObject("info")
        .put("title", "Kubernetes")
        .put("version", EmbeddedApiServer.KUBERNETES_VERSION);
    ObjectNode paths = doc.putObject("paths");
    for (ApiResource r : resources) {
      String prefix =
          r.group().isEmpty() ? "/api/" + r.version() : "/apis/" + r.group() + "/" + r.version();
      String item =
          prefix + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural() + "/{name}";
      ObjectNode pathItem = paths.putObject(item);
      ObjectNode patch = pathItem.putObject("patch").put("operationId", "patch" + r.kind());
      patch
          .putObject("x-kubernetes-group-version-kind")
          .put("group", r.group())
          .put("version", r.version())
          .put("kind", r.kind());
      patch.putObject("responses").putObject("200").put("description", "OK");
      patch
          .putArray("parameters")
          .addObject()
          .put("name", "fieldValidation")
          .put("in", "query")
          .putObject("schema")
          .put("type", "string");
    }
    doc.putObject("components").putObject("schemas");
    return Optional.of(doc);
  }

  private Map<String, List<ApiResource>> groupVersions() {
    Map<String, List<ApiResource>> byGv = new LinkedHashMap<>();
    for (ApiResource r : catalog.all()) {
      byGv.computeIfAbsent(r.groupVersion(), k -> new java.util.ArrayList<>()).add(r);
    }
    return byGv;
  }
}
