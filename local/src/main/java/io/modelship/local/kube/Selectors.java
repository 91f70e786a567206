package io.modelship.local.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Label selectors (equality and set based) and field selectors (equality), as the API server reads
 * them.
 */
public final class Selectors {

  private Selectors() {}

  /** Query parameters, decoded; later repeats win. */
  public static Map<String, String> query(String rawQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.put(key, value);
    }
    return params;
  }

  /** A predicate on an object's metadata.labels; accepts everything when the selector is blank. */
  public static Predicate<JsonNode> labels(String selector) {
    if (selector == null || selector.isBlank()) {
      return o -> true;
    }
    List<Predicate<Map<String, String>>> terms = new ArrayList<>();
    for (String term : splitTerms(selector)) {
      terms.add(labelTerm(term.trim()));
    }
    return o -> {
      Map<String, String> labels = new LinkedHashMap<>();
      JsonNode l = o.path("metadata").path("labels");
      l.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
      return terms.stream().allMatch(t -> t.test(labels));
    };
  }

  /** Splits on commas outside parentheses ({@code a in (x,y),b}). */
  private static List<String> splitTerms(String selector) {
    List<String> terms = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < selector.length(); i++) {
      char c = selector.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        terms.add(selector.substring(start, i));
        start = i + 1;
      }
    }
    terms.add(selector.substring(start));
    return terms.stream().filter(t -> !t.isBlank()).toList();
  }

  private static Predicate<Map<String, String>> labelTerm(String term) {
    String[] notIn = term.split("\\s+notin\\s+", 2);
    if (notIn.length == 2) {
      Set<String> values = set(notIn[1]);
      String key = notIn[0].trim();
      return l -> !values.contains(l.get(key));
    }
    String[] in = term.split("\\s+in\\s+", 2);
    if (in.length == 2) {
      Set<String> values = set(in[1]);
      String key = in[0].trim();
      return l -> values.contains(l.get(key));
    }
    if (term.contains("!=")) {
      String[] kv = term.split("!=", 2);
      return l -> !kv[1].trim().equals(l.get(kv[0].trim()));
    }
    if (term.contains("=")) {
      String[] kv = term.split("==?", 2);
      return l -> kv[1].trim().equals(l.get(kv[0].trim()));
    }
    if (term.startsWith("!")) {
      String key = term.substring(1).trim();
      return l -> !l.containsKey(key);
    }
    return l -> l.containsKey(term);
  }

  private static Set<String> set(String parenthesised) {
    String inner = parenthesised.trim().replaceAll("^\\(|\\)$", "");
    return Set.of(inner.split("\\s*,\\s*"));
  }

  /** A predicate from a field selector such as {@code involvedObject.name=iris,type!=Normal}. */
  public static Predicate<JsonNode> fields(String selector) {
    if (selector == null || selector.isBlank()) {
      return o -> true;
    }
    List<Predicate<JsonNode>> terms = new ArrayList<>();
    for (String term : selector.split(",")) {
      boolean negated = term.contains("!=");
      String[] kv = term.split(negated ? "!=" : "==?", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("invalid field selector term: " + term);
      }
      String[] path = kv[0].trim().split("\\.");
      String expected = kv[1].trim();
      terms.add(
          o -> {
            JsonNode value = o;
            for (String part : path) {
              value = value.path(part);
            }
            String actual = value.isMissingNode() || value.isNull() ? "" : value.asText();
            return negated != actual.equals(expected);
          });
    }
    return o -> terms.stream().allMatch(t -> t.test(o));
  }
}
