package io.modelship.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The values table in the chart's README.md is generated from values.yaml: each key's comment is
 * the comment lines directly above it. A value without a comment (its own or a documented parent's)
 * fails, and so does a stale table; {@code -Dchart.update=true} rewrites it.
 */
class ChartReadmeTest {

  static final Path VALUES = Chart.DIR.resolve("values.yaml");
  static final Path README = Chart.DIR.resolve("README.md");
  static final String BEGIN =
      "<!-- values:begin (generated from values.yaml by ChartReadmeTest; do not edit) -->";
  static final String END = "<!-- values:end -->";
  static final Pattern KEY = Pattern.compile("^( *)([A-Za-z0-9_-]+):(.*)$");

  /** A key of values.yaml: dotted path, its comment, and whether it has keys below it. */
  record Key(String path, String comment, boolean parent) {}

  static List<Key> keys() throws IOException {
    var keys = new ArrayList<Key>();
    Deque<int[]> indents = new ArrayDeque<>();
    Deque<String> names = new ArrayDeque<>();
    var comment = new ArrayList<String>();
    List<String> lines = Files.readAllLines(VALUES);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        comment.clear();
        continue;
      }
      if (line.trim().startsWith("#")) {
        comment.add(line.trim().replaceFirst("^#+ ?", ""));
        continue;
      }
      Matcher m = KEY.matcher(line);
      if (!m.matches()) {
        comment.clear();
        continue; // list items and block values belong to the key above
      }
      int indent = m.group(1).length();
      while (!indents.isEmpty() && indents.peek()[0] >= indent) {
        indents.pop();
        names.pop();
      }
      indents.push(new int[] {indent});
      names.push(m.group(2));
      var path = new ArrayList<>(names);
      java.util.Collections.reverse(path);
      boolean parent = m.group(3).isBlank() && nextKeyIndent(lines, i) > indent;
      keys.add(new Key(String.join(".", path), String.join(" ", comment), parent));
      comment.clear();
    }
    return keys;
  }

  private static int nextKeyIndent(List<String> lines, int from) {
    for (int j = from + 1; j < lines.size(); j++) {
      String next = lines.get(j);
      if (next.isBlank() || next.trim().startsWith("#")) {
        continue;
      }
      return next.length() - next.stripLeading().length();
    }
    return -1;
  }

  static String table() throws IOException {
    JsonNode values = new ObjectMapper(new YAMLFactory()).readTree(VALUES.toFile());
    var json = new ObjectMapper();
    var out =
        new StringBuilder("| Key | Type | Default | Description |\n| --- | --- | --- | --- |\n");
    for (Key key : keys()) {
      if (key.comment().isEmpty()) {
        continue;
      }
      JsonNode value = values.at("/" + key.path().replace(".", "/"));
      out.append("| `")
          .append(key.path())
          .append("` | ")
          .append(type(value))
          .append(" | `")
          .append(json.writeValueAsString(value).replace("|", "\\|"))
          .append("` | ")
          .append(key.comment().replace("|", "\\|"))
          .append(" |\n");
    }
    return out.toString();
  }

  private static String type(JsonNode value) {
    return switch (value.getNodeType()) {
      case ARRAY -> "list";
      case OBJECT -> "object";
      case BOOLEAN -> "bool";
      case NUMBER -> "int";
      default -> "string";
    };
  }

  @Test
  void everyValueIsDocumented() throws IOException {
    var documented = new ArrayList<String>();
    var undocumented = new ArrayList<String>();
    for (Key key : keys()) {
      boolean covered =
          !key.comment().isEmpty()
              || documented.stream().anyMatch(p -> key.path().startsWith(p + "."));
      if (!key.comment().isEmpty()) {
        documented.add(key.path());
      }
      if (!covered && !key.parent()) {
        undocumented.add(key.path());
      }
    }
    assertThat(undocumented).as("values without a comment in values.yaml").isEmpty();
  }

  @Test
  void theValuesTableIsCurrent() throws IOException {
    String readme = Files.readString(README);
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    assertThat(begin).as("README.md has the marker %s", BEGIN).isNotNegative();
    assertThat(end).as("README.md has the marker %s", END).isGreaterThan(begin);
    String current = readme.substring(begin + BEGIN.length(), end);
    String expected = "\n" + table();
    if (Chart.update()) {
      Files.writeString(
          README, readme.substring(0, begin + BEGIN.length()) + expected + readme.substring(end));
      current = expected;
    }
    assertThat(current)
        .as("the values table in %s is stale: refresh it with -Dchart.update=true", README)
        .isEqualTo(expected);
  }
}
