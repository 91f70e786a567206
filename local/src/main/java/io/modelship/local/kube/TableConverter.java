package io.modelship.local.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Server-side table output ({@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}), which
 * kubectl asks for and prints as it is. CRDs get their additionalPrinterColumns evaluated from the
 * JSONPaths; the built-in kinds get the columns a cluster prints for them.
 */
public final class TableConverter {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  record Column(
      String name, String type, String format, int priority, Function<JsonNode, JsonNode> cell) {}

  private final Clock clock;

  public TableConverter(Clock clock) {
    this.clock = clock;
  }

  /** True when the Accept header asks for a Table. */
  public static boolean wantsTable(String accept) {
    return accept != null && accept.contains("as=Table");
  }

  /**
   * A Table of the objects; {@code includeObject} is the request's parameter (Metadata by default,
   * None or Object).
   */
  public ObjectNode table(
      ApiResource resource, List<JsonNode> objects, String resourceVersion, String includeObject) {
    List<Column> columns = columns(resource);
    ObjectNode table =
        JSON.createObjectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    ObjectNode metadata = table.putObject("metadata");
    if (resourceVersion != null) {
      metadata.put("resourceVersion", resourceVersion);
    }
    ArrayNode definitions = table.putArray("columnDefinitions");
    for (Column c : columns) {
      definitions
          .addObject()
          .put("name", c.name())
          .put("type", c.type())
          .put("format", c.format())
          .put("description", "")
          .put("priority", c.priority());
    }
    ArrayNode rows = table.putArray("rows");
    for (JsonNode object : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Column c : columns) {
        JsonNode value = c.cell().apply(object);
        cells.add(value == null ? NODES.nullNode() : value);
      }
      if ("Object".equals(includeObject)) {
        row.set("object", object);
      } else if (!"None".equals(includeObject)) {
        ObjectNode partial =
            row.putObject("object")
                .put("kind", "PartialObjectMetadata")
                .put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", object.path("metadata"));
      }
    }
    return table;
  }

  List<Column> columns(ApiResource resource) {
    List<Column> columns = new ArrayList<>();
    columns.add(
        new Column(
            "Name", "string", "name", 0, o -> text(o.path("metadata").path("name").asText())));
    if (!resource.printerColumns().isEmpty()) {
      for (JsonNode def : resource.printerColumns()) {
        columns.add(printerColumn(def));
      }
      return columns;
    }
    Column age =
        new Column("Age", "string", "", 0, o -> age(o.path("metadata").path("creationTimestamp")));
    switch (resource.group() + "/" + resource.plural()) {
      case "/pods" -> {
        columns.add(
            col(
                "Ready",
                o -> {
                  int total = o.path("spec").path("containers").size();
                  long ready =
                      o.path("status")
                          .path("containerStatuses")
                          .valueStream()
                          .filter(s -> s.path("ready").asBoolean())
                          .count();
                  return text(ready + "/" + total);
                }));
        columns.add(col("Status", TableConverter::podStatus));
        columns.add(
            new Column(
                "Restarts",
                "integer",
                "",
                0,
                o ->
                    NODES.numberNode(
                        o.path("status")
                            .path("containerStatuses")
                            .valueStream()
                            .mapToInt(s -> s.path("restartCount").asInt())
                            .sum())));
        columns.add(age);
        columns.add(new Column("IP", "string", "", 1, o -> orNone(o.path("status").path("podIP"))));
        columns.add(
            new Column("Node", "string", "", 1, o -> orNone(o.path("spec").path("nodeName"))));
      }
      case "apps/deployments" -> {
        columns.add(
            col(
                "Ready",
                o ->
                    text(
                        o.path("status").path("readyReplicas").asInt()
                            + "/"
                            + o.path("spec").path("replicas").asInt(1))));
        columns.add(
            new Column(
                "Up-to-date",
                "integer",
                "",
                0,
                o -> NODES.numberNode(o.path("status").path("updatedReplicas").asInt())));
        columns.add(
            new Column(
                "Available",
                "integer",
                "",
                0,
                o -> NODES.numberNode(o.path("status").path("availableReplicas").asInt())));
        columns.add(age);
        columns.add(
            new Column(
                "Images",
                "string",
                "",
                1,
                o ->
                    text(
                        String.join(
                            ",",
                            o.path("spec")
                                .path("template")
                                .path("spec")
                                .path("containers")
                                .valueStream()
                                .map(c -> c.path("image").asText())
                                .toList()))));
      }
      case "batch/jobs" -> {
        columns.add(col("Status", TableConverter::jobStatus));
        columns.add(
            col(
                "Completions",
                o ->
                    text(
                        o.path("status").path("succeeded").asInt()
                            + "/"
                            + o.path("spec").path("completions").asInt(1))));
        columns.add(col("Duration", this::jobDuration));
        columns.add(age);
      }
      case "/services" -> {
        columns.add(col("Type", o -> text(o.path("spec").path("type").asText("ClusterIP"))));
        columns.add(col("Cluster-IP", o -> orNone(o.path("spec").path("clusterIP"))));
        columns.add(col("External-IP", o -> text("<none>")));
        columns.add(
            col(
                "Port(s)",
                o ->
                    text(
                        String.join(
                            ",",
                            o.path("spec")
                                .path("ports")
                                .valueStream()
                                .map(
                                    p ->
                                        p.path("port").asText()
                                            + "/"
                                            + p.path("protocol").asText("TCP"))
                                .toList()))));
        columns.add(age);
      }
      case "autoscaling/horizontalpodautoscalers" -> {
        columns.add(
            col(
                "Reference",
                o ->
                    text(
                        o.path("spec").path("scaleTargetRef").path("kind").asText()
                            + "/"
                            + o.path("spec").path("scaleTargetRef").path("name").asText())));
        columns.add(col("Targets", TableConverter::hpaTargets));
        columns.add(
            new Column(
                "MinPods",
                "integer",
                "",
                0,
                o -> NODES.numberNode(o.path("spec").path("minReplicas").asInt(1))));
        columns.add(
            new Column(
                "MaxPods",
                "integer",
                "",
                0,
                o -> NODES.numberNode(o.path("spec").path("maxReplicas").asInt())));
        columns.add(
            new Column(
                "Replicas",
                "integer",
                "",
                0,
                o -> NODES.numberNode(o.path("status").path("currentReplicas").asInt())));
        columns.add(age);
      }
      case "policy/poddisruptionbudgets" -> {
        columns.add(
            col("Min Available", o -> text(o.path("spec").path("minAvailable").asText("N/A"))));
        columns.add(
            col("Max Unavailable", o -> text(o.path("spec").path("maxUnavailable").asText("N/A"))));
        columns.add(
            new Column(
                "Allowed Disruptions",
                "integer",
                "",
                0,
                o -> NODES.numberNode(o.path("status").path("disruptionsAllowed").asInt())));
        columns.add(age);
      }
      case "gateway.networking.k8s.io/httproutes" -> {
        columns.add(
            col(
                "Hostnames",
                o ->
                    text(
                        String.join(
                            ",",
                            o.path("spec")
                                .path("hostnames")
                                .valueStream()
                                .map(JsonNode::asText)
                                .toList()))));
        columns.add(age);
      }
      case "/events" -> {
        columns.clear();
        columns.add(
            col(
                "Last Seen",
                o ->
                    age(
                        firstPresent(
                            o.path("lastTimestamp"),
                            o.path("eventTime"),
                            o.path("metadata").path("creationTimestamp")))));
        columns.add(col("Type", o -> text(o.path("type").asText())));
        columns.add(col("Reason", o -> text(o.path("reason").asText())));
        columns.add(
            col(
                "Object",
                o ->
                    text(
                        o.path("involvedObject").path("kind").asText().toLowerCase()
                            + "/"
                            + o.path("involvedObject").path("name").asText())));
        columns.add(col("Message", o -> text(o.path("message").asText())));
        columns.add(
            new Column(
                "Name", "string", "name", 1, o -> text(o.path("metadata").path("name").asText())));
      }
      case "/namespaces" -> {
        columns.add(col("Status", o -> text(o.path("status").path("phase").asText("Active"))));
        columns.add(age);
      }
      default -> columns.add(age);
    }
    return columns;
  }

  private Column printerColumn(JsonNode def) {
    String type = def.path("type").asText("string");
    PrinterJsonPath path = PrinterJsonPath.compile(def.path("jsonPath").asText());
    Function<JsonNode, JsonNode> cell =
        o -> {
          JsonNode value = path.first(o);
          if (value == null) {
            return null;
          }
          return switch (type) {
            case "date" -> age(value);
            case "integer" ->
                value.canConvertToLong() || value.isTextual()
                    ? integer(value)
                    : text(value.asText());
            case "number", "boolean" ->
                value.isValueNode() && !value.isTextual() ? value : text(value.asText());
            default -> text(value.isValueNode() ? value.asText() : value.toString());
          };
        };
    // Date columns are sent as the age, so kubectl prints them as a cluster's columns.
    return new Column(
        def.path("name").asText(),
        type.equals("date") ? "string" : type,
        def.path("format").asText(""),
        def.path("priority").asInt(0),
        cell);
  }

  private static JsonNode integer(JsonNode value) {
    try {
      return NODES.numberNode(value.isTextual() ? Long.parseLong(value.asText()) : value.asLong());
    } catch (NumberFormatException e) {
      return text(value.asText());
    }
  }

  private static Column col(String name, Function<JsonNode, JsonNode> cell) {
    return new Column(name, "string", "", 0, cell);
  }

  private static JsonNode text(String s) {
    return NODES.textNode(s);
  }

  private static JsonNode orNone(JsonNode value) {
    return text(
        value.isMissingNode() || value.isNull() || value.asText().isEmpty()
            ? "<none>"
            : value.asText());
  }

  private static JsonNode firstPresent(JsonNode... nodes) {
    for (JsonNode n : nodes) {
      if (!n.isMissingNode() && !n.isNull() && !n.asText().isEmpty()) {
        return n;
      }
    }
    return NODES.missingNode();
  }

  /** kubectl's STATUS of a Job: its terminal condition, else Terminating, else Running. */
  private static JsonNode jobStatus(JsonNode job) {
    List<String> conditions =
        job.path("status")
            .path("conditions")
            .valueStream()
            .filter(c -> "True".equals(c.path("status").asText()))
            .map(c -> c.path("type").asText())
            .toList();
    for (String type : List.of("Complete", "Failed")) {
      if (conditions.contains(type)) {
        return text(type);
      }
    }
    if (job.path("metadata").has("deletionTimestamp")) {
      return text("Terminating");
    }
    for (String type : List.of("Suspended", "FailureTarget", "SuccessCriteriaMet")) {
      if (conditions.contains(type)) {
        return text(type);
      }
    }
    return text("Running");
  }

  /** From startTime to completionTime, or to now while it runs; empty before it started. */
  private JsonNode jobDuration(JsonNode job) {
    JsonNode start = job.path("status").path("startTime");
    if (!start.isTextual()) {
      return text("");
    }
    JsonNode end = job.path("status").path("completionTime");
    try {
      Instant to = end.isTextual() ? Instant.parse(end.asText()) : clock.instant();
      return text(humanDuration(Duration.between(Instant.parse(start.asText()), to)));
    } catch (DateTimeParseException e) {
      return text("");
    }
  }

  private static JsonNode podStatus(JsonNode pod) {
    if (pod.path("metadata").has("deletionTimestamp")) {
      return text("Terminating");
    }
    for (JsonNode s : pod.path("status").path("containerStatuses")) {
      String waiting = s.path("state").path("waiting").path("reason").asText("");
      if (!waiting.isEmpty()) {
        return text(waiting);
      }
      String terminated = s.path("state").path("terminated").path("reason").asText("");
      if (!terminated.isEmpty()) {
        return text(terminated);
      }
    }
    return text(pod.path("status").path("phase").asText("Pending"));
  }

  private static JsonNode hpaTargets(JsonNode hpa) {
    List<String> targets = new ArrayList<>();
    for (JsonNode metric : hpa.path("spec").path("metrics")) {
      String type = metric.path("type").asText();
      if (type.equals("Resource")) {
        JsonNode r = metric.path("resource");
        targets.add(
            r.path("name").asText()
                + ": <unknown>/"
                + r.path("target").path("averageUtilization").asText()
                + "%");
      } else if (type.equals("Pods")) {
        JsonNode p = metric.path("pods");
        targets.add(
            p.path("metric").path("name").asText()
                + ": <unknown>/"
                + p.path("target").path("averageValue").asText());
      }
    }
    return text(targets.isEmpty() ? "<none>" : String.join(", ", targets));
  }

  JsonNode age(JsonNode timestamp) {
    if (timestamp == null || timestamp.isMissingNode() || timestamp.isNull()) {
      return text("<unknown>");
    }
    try {
      return text(
          humanDuration(Duration.between(Instant.parse(timestamp.asText()), clock.instant())));
    } catch (DateTimeParseException e) {
      return text(timestamp.asText());
    }
  }

  /** As Kubernetes' {@code duration.HumanDuration}: 45s, 3m12s, 125m, 5h30m, 10h, 3d4h, 20d, 2y. */
  public static String humanDuration(Duration d) {
    long seconds = Math.max(0, d.toSeconds());
    if (seconds < 120) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    }
    if (minutes < 180) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    }
    if (hours < 48) {
      return hours + "h";
    }
    if (hours < 192) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    }
    if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    }
    return hours / 24 / 365 + "y";
  }
}
