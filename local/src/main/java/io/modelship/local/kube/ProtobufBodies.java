package io.modelship.local.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.kubernetes.client.proto.Runtime;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a request body in Kubernetes' protobuf encoding into the JSON an API server would have
 * received for the same object. kubectl's typed clients (the {@code kubectl create namespace|
 * deployment|configmap|secret|…} generators) send built-in kinds as protobuf and do not retry in
 * JSON after a 415, so an API that stores JSON must understand protobuf bodies.
 *
 * <p>The wire format is the 4-byte magic {@code k8s\0} and a {@code runtime.Unknown} whose {@code
 * typeMeta} names apiVersion and kind and whose {@code raw} is the object's message, typed by the
 * Kubernetes {@code generated.proto} descriptors (the {@code client-java-proto} classes). Proto
 * field names are the JSON names; the few types whose JSON is not their message shape (Time,
 * MicroTime, Duration, IntOrString, Quantity, RawExtension, FieldsV1) are written as JSON writes
 * them, bytes as base64.
 */
final class ProtobufBodies {

  static final String CONTENT_TYPE = "application/vnd.kubernetes.protobuf";
  private static final byte[] MAGIC = {'k', '8', 's', 0};
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
  private static final DateTimeFormatter MICRO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX").withZone(ZoneOffset.UTC);

  /** Message types by version and kind, over every built-in group's descriptors. */
  private static final Map<String, List<Descriptor>> KINDS = index();

  private ProtobufBodies() {}

  static boolean isProtobuf(String contentType) {
    return contentType != null
        && contentType.toLowerCase(java.util.Locale.ROOT).startsWith(CONTENT_TYPE);
  }

  /** The body as JSON; an {@link IllegalArgumentException} naming what could not be read. */
  static byte[] toJson(byte[] body) {
    if (body.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(body, MAGIC.length), MAGIC)) {
      throw new IllegalArgumentException(
          "the body does not start with the Kubernetes protobuf magic k8s\\0");
    }
    Runtime.Unknown unknown;
    try {
      unknown = Runtime.Unknown.parseFrom(Arrays.copyOfRange(body, MAGIC.length, body.length));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "the body is not a protobuf runtime.Unknown: " + e.getMessage(), e);
    }
    String apiVersion = unknown.getTypeMeta().getApiVersion();
    String kind = unknown.getTypeMeta().getKind();
    Descriptor type =
        descriptor(apiVersion, kind)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no protobuf schema for "
                            + kind
                            + " of "
                            + apiVersion
                            + " in the local API; send it as JSON (kubectl apply -f)"));
    DynamicMessage message;
    try {
      message = DynamicMessage.parseFrom(type, unknown.getRaw());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "the " + kind + " in the body is not valid protobuf: " + e.getMessage(), e);
    }
    ObjectNode object = NODES.objectNode().put("apiVersion", apiVersion).put("kind", kind);
    object.setAll((ObjectNode) value(message));
    try {
      return JSON.writeValueAsBytes(object);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Optional<Descriptor> descriptor(String apiVersion, String kind) {
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "core" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    // Packages are k8s.io.api.<first label of the group>.<version>: apps, rbac, networking, core…
    String pkg = "k8s.io.api." + group.split("\\.")[0] + "." + version;
    return KINDS.getOrDefault(version + "/" + kind, List.of()).stream()
        .filter(d -> d.getFile().getPackage().equals(pkg))
        .findFirst();
  }

  private static JsonNode value(Message message) {
    String type = message.getDescriptorForType().getFullName();
    switch (type) {
      case META + "Time" -> {
        long seconds = longField(message, "seconds");
        return seconds == 0
            ? NODES.nullNode()
            : NODES.textNode(Instant.ofEpochSecond(seconds).toString());
      }
      case META + "MicroTime" -> {
        return NODES.textNode(
            MICRO.format(
                Instant.ofEpochSecond(longField(message, "seconds"), longField(message, "nanos"))));
      }
      case META + "Duration" -> {
        return NODES.textNode(
            java.time.Duration.ofNanos(longField(message, "duration"))
                .toString()
                .substring(2)
                .toLowerCase(java.util.Locale.ROOT));
      }
      case "k8s.io.apimachinery.pkg.util.intstr.IntOrString" -> {
        return longField(message, "type") == 1
            ? NODES.textNode(stringField(message, "strVal"))
            : NODES.numberNode(longField(message, "intVal"));
      }
      case "k8s.io.apimachinery.pkg.api.resource.Quantity" -> {
        return NODES.textNode(stringField(message, "string"));
      }
      case "k8s.io.apimachinery.pkg.runtime.RawExtension", META + "FieldsV1" -> {
        FieldDescriptor raw = message.getDescriptorForType().getFields().getFirst();
        ByteString bytes = (ByteString) message.getField(raw);
        try {
          return bytes.isEmpty() ? NODES.nullNode() : JSON.readTree(bytes.toByteArray());
        } catch (IOException e) {
          throw new IllegalArgumentException(type + " does not hold JSON: " + e.getMessage(), e);
        }
      }
      default -> {
        ObjectNode object = NODES.objectNode();
        for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
          FieldDescriptor field = e.getKey();
          if (field.isMapField()) {
            ObjectNode map = object.putObject(field.getName());
            for (Object entry : (List<?>) e.getValue()) {
              Message m = (Message) entry;
              FieldDescriptor key = m.getDescriptorForType().findFieldByName("key");
              FieldDescriptor val = m.getDescriptorForType().findFieldByName("value");
              map.set(String.valueOf(m.getField(key)), scalar(val, m.getField(val)));
            }
          } else if (field.isRepeated()) {
            ArrayNode array = object.putArray(field.getName());
            for (Object item : (List<?>) e.getValue()) {
              array.add(scalar(field, item));
            }
          } else {
            JsonNode v = scalar(field, e.getValue());
            // Go's protobuf encoder writes every non-pointer field; its JSON leaves out the empty
            // strings (omitempty) and writes a zero time as null, so they are left out here too.
            if (!v.isNull() && !(v.isTextual() && v.asText().isEmpty())) {
              object.set(field.getName(), v);
            }
          }
        }
        return object;
      }
    }
  }

  private static JsonNode scalar(FieldDescriptor field, Object v) {
    return switch (field.getJavaType()) {
      case MESSAGE -> value((Message) v);
      case BYTE_STRING ->
          NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
      case STRING -> NODES.textNode((String) v);
      case BOOLEAN -> NODES.booleanNode((Boolean) v);
      case INT -> NODES.numberNode((Integer) v);
      case LONG -> NODES.numberNode((Long) v);
      case FLOAT -> NODES.numberNode((Float) v);
      case DOUBLE -> NODES.numberNode((Double) v);
      case ENUM -> NODES.textNode(v.toString());
    };
  }

  private static long longField(Message m, String name) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByName(name);
    return f == null || !m.hasField(f) ? 0 : ((Number) m.getField(f)).longValue();
  }

  private static String stringField(Message m, String name) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByName(name);
    return f == null ? "" : (String) m.getField(f);
  }

  private static Map<String, List<Descriptor>> index() {
    List<FileDescriptor> files =
        List.of(
            io.kubernetes.client.proto.V1.getDescriptor(),
            io.kubernetes.client.proto.V1Apps.getDescriptor(),
            io.kubernetes.client.proto.V1Batch.getDescriptor(),
            io.kubernetes.client.proto.V1Rbac.getDescriptor(),
            io.kubernetes.client.proto.V1Policy.getDescriptor(),
            io.kubernetes.client.proto.V1Networking.getDescriptor(),
            io.kubernetes.client.proto.V1Scheduling.getDescriptor(),
            io.kubernetes.client.proto.V1Autoscaling.getDescriptor(),
            io.kubernetes.client.proto.V1Storage.getDescriptor(),
            io.kubernetes.client.proto.V1Certificates.getDescriptor(),
            io.kubernetes.client.proto.V1Authentication.getDescriptor(),
            io.kubernetes.client.proto.V1Authorization.getDescriptor());
    Map<String, List<Descriptor>> byKind = new HashMap<>();
    for (FileDescriptor file : files) {
      String pkg = file.getPackage();
      String version = pkg.substring(pkg.lastIndexOf('.') + 1);
      for (Descriptor d : file.getMessageTypes()) {
        byKind.computeIfAbsent(version + "/" + d.getName(), k -> new ArrayList<>()).add(d);
      }
    }
    return Map.copyOf(byKind);
  }
}
