package io.modelship.kubectl.view;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * Lenient reads from a resource's JSON tree (maps and lists): a missing or mistyped field is null,
 * never an exception, because the plugin must show whatever an older or newer operator wrote.
 */
final class Fields {

  private final Object node;

  private Fields(Object node) {
    this.node = node;
  }

  static Fields of(Object node) {
    return new Fields(node);
  }

  Fields get(String key) {
    return new Fields(node instanceof Map<?, ?> map ? map.get(key) : null);
  }

  /** The node itself (a map, a list or a scalar), e.g. to copy it unchanged. */
  Object raw() {
    return node;
  }

  boolean present() {
    return node != null;
  }

  String string() {
    return node == null || node instanceof Map || node instanceof List
        ? null
        : String.valueOf(node);
  }

  Integer integer() {
    return node instanceof Number n
        ? Integer.valueOf(n.intValue())
        : parse(s -> Integer.valueOf(s));
  }

  Long longValue() {
    return node instanceof Number n ? Long.valueOf(n.longValue()) : parse(s -> Long.valueOf(s));
  }

  Double number() {
    return node instanceof Number n
        ? Double.valueOf(n.doubleValue())
        : parse(s -> Double.valueOf(s));
  }

  Instant instant() {
    String text = string();
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  List<Fields> list() {
    return node instanceof List<?> list ? list.stream().map(Fields::new).toList() : List.of();
  }

  /** Entries of an object in their stored order. */
  List<Map.Entry<String, Fields>> entries() {
    if (!(node instanceof Map<?, ?> map)) {
      return List.of();
    }
    return map.entrySet().stream()
        .map(e -> Map.entry(String.valueOf(e.getKey()), new Fields(e.getValue())))
        .toList();
  }

  private <T> T parse(java.util.function.Function<String, T> parser) {
    if (!(node instanceof String text)) {
      return null;
    }
    try {
      return parser.apply(text.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
