package io.modelship.local.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Kubernetes JSONPath that CRD printer columns use: {@code .a.b}, {@code .a\\.b} (an
 * escaped dot inside a field name, as in a label key), {@code [n]}, {@code [*]} and filters {@code
 * [?(@.type=="Ready")]} (also {@code !=}, with a path inside the filter). Evaluates to every match,
 * in document order.
 */
public final class PrinterJsonPath {

  private static final Pattern FILTER =
      Pattern.compile(
          "\\?\\(@((?:\\.[A-Za-z0-9_-]+)+)\\s*(==|!=)\\s*(?:\"([^\"]*)\"|'([^']*)'|([^)\\s]+))\\s*\\)");

  private sealed interface Step permits Field, Index, Wildcard, Filter {}

  private record Field(String name) implements Step {}

  private record Index(int index) implements Step {}

  private record Wildcard() implements Step {}

  private record Filter(List<String> path, boolean equal, String value) implements Step {}

  private final List<Step> steps;

  private PrinterJsonPath(List<Step> steps) {
    this.steps = steps;
  }

  public static PrinterJsonPath compile(String expression) {
    String e = expression.trim();
    if (e.startsWith("{") && e.endsWith("}")) {
      e = e.substring(1, e.length() - 1);
    }
    if (e.startsWith("$")) {
      e = e.substring(1);
    }
    List<Step> steps = new ArrayList<>();
    int i = 0;
    while (i < e.length()) {
      char c = e.charAt(i);
      if (c == '.') {
        // A backslash escapes the next character, as in client-go's JSONPath: the label key in
        // `.metadata.labels.modelship\.io/deployment` is one field name with a dot in it.
        StringBuilder name = new StringBuilder();
        int end = i + 1;
        while (end < e.length() && e.charAt(end) != '.' && e.charAt(end) != '[') {
          if (e.charAt(end) == '\\' && end + 1 < e.length()) {
            end++;
          }
          name.append(e.charAt(end));
          end++;
        }
        if (!name.isEmpty()) {
          steps.add(name.toString().equals("*") ? new Wildcard() : new Field(name.toString()));
        }
        i = end;
      } else if (c == '[') {
        int end = closing(e, i);
        String inside = e.substring(i + 1, end).trim();
        steps.add(bracket(inside, expression));
        i = end + 1;
      } else {
        throw new IllegalArgumentException("unsupported JSONPath " + expression + " at " + i);
      }
    }
    return new PrinterJsonPath(List.copyOf(steps));
  }

  private static int closing(String e, int open) {
    boolean quoted = false;
    for (int i = open + 1; i < e.length(); i++) {
      char c = e.charAt(i);
      if (c == '"' || c == '\'') {
        quoted = !quoted;
      } else if (c == ']' && !quoted) {
        return i;
      }
    }
    throw new IllegalArgumentException("unclosed [ in JSONPath " + e);
  }

  private static Step bracket(String inside, String expression) {
    if (inside.equals("*")) {
      return new Wildcard();
    }
    if (inside.matches("-?\\d+")) {
      return new Index(Integer.parseInt(inside));
    }
    if ((inside.startsWith("'") && inside.endsWith("'"))
        || (inside.startsWith("\"") && inside.endsWith("\""))) {
      return new Field(inside.substring(1, inside.length() - 1));
    }
    Matcher m = FILTER.matcher(inside);
    if (m.matches()) {
      List<String> path = List.of(m.group(1).substring(1).split("\\."));
      String value = m.group(3) != null ? m.group(3) : m.group(4) != null ? m.group(4) : m.group(5);
      return new Filter(path, m.group(2).equals("=="), value);
    }
    throw new IllegalArgumentException("unsupported JSONPath " + expression + ": [" + inside + "]");
  }

  public List<JsonNode> evaluate(JsonNode root) {
    List<JsonNode> current = List.of(root);
    for (Step step : steps) {
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode node : current) {
        switch (step) {
          case Field f -> {
            JsonNode child = node.get(f.name());
            if (child != null && !child.isNull()) {
              next.add(child);
            }
          }
          case Index ix -> {
            if (node.isArray() && node.size() > 0) {
              int i = ix.index() < 0 ? node.size() + ix.index() : ix.index();
              if (i >= 0 && i < node.size()) {
                next.add(node.get(i));
              }
            }
          }
          case Wildcard w -> node.forEach(next::add);
          case Filter f -> {
            for (JsonNode element : node) {
              JsonNode value = element;
              for (String part : f.path()) {
                value = value == null ? null : value.get(part);
              }
              boolean equal = value != null && !value.isNull() && value.asText().equals(f.value());
              if (equal == f.equal()) {
                next.add(element);
              }
            }
          }
        }
      }
      current = next;
    }
    return current;
  }

  /** The first match, or null when nothing matches. */
  public JsonNode first(JsonNode root) {
    List<JsonNode> all = evaluate(root);
    return all.isEmpty() ? null : all.getFirst();
  }
}
