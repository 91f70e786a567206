package io.modelship.runtime.inference;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads feature rows from JSON, as an array in manifest order or an object keyed by feature name,
 * and refuses anything the model cannot take, naming the row, feature and problem.
 */
public final class FeatureRows {

  private final List<String> names;
  private final Map<String, Integer> index = new HashMap<>();
  private final int maxBatchRows;

  public FeatureRows(List<String> names, int maxBatchRows) {
    this.names = List.copyOf(names);
    for (int i = 0; i < names.size(); i++) {
      index.put(names.get(i), i);
    }
    this.maxBatchRows = maxBatchRows;
  }

  public int width() {
    return names.size();
  }

  public List<String> names() {
    return names;
  }

  public int maxBatchRows() {
    return maxBatchRows;
  }

  /** One row: {@code [1.0, 2.0]} or {@code {"a": 1.0, "b": 2.0}}. */
  public double[] row(JsonNode node, String where) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      throw RequestException.badInput(where + " is missing");
    }
    if (node.isArray()) {
      return fromArray(node, where);
    }
    if (node.isObject()) {
      return fromObject(node, where);
    }
    throw RequestException.badInput(
        where
            + " must be a list of "
            + width()
            + " numbers or an object keyed by feature"
            + " name, got "
            + kind(node));
  }

  /** Many rows, each as in {@link #row}; an empty or oversize batch is refused. */
  public double[][] rows(JsonNode node, String where) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      throw RequestException.badInput(where + " is missing");
    }
    if (!node.isArray()) {
      throw RequestException.badInput(where + " must be a list of rows, got " + kind(node));
    }
    checkBatchSize(node.size(), where);
    double[][] rows = new double[node.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = row(node.get(i), where + "[" + i + "]");
    }
    return rows;
  }

  public void checkBatchSize(int rows, String where) {
    if (rows == 0) {
      throw RequestException.badInput(where + " is an empty batch; send at least one row");
    }
    if (rows > maxBatchRows) {
      throw RequestException.tooLarge(
          where + " has " + rows + " rows, over the limit of " + maxBatchRows);
    }
  }

  private double[] fromArray(JsonNode node, String where) {
    if (node.size() != width()) {
      throw wrongWidth(where, node.size());
    }
    double[] row = new double[width()];
    for (int j = 0; j < row.length; j++) {
      row[j] = number(node.get(j), where, j);
    }
    return row;
  }

  private double[] fromObject(JsonNode node, String where) {
    double[] row = new double[width()];
    boolean[] seen = new boolean[width()];
    List<String> unknown = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      Integer j = index.get(field.getKey());
      if (j == null) {
        unknown.add(field.getKey());
        continue;
      }
      row[j] = number(field.getValue(), where, j);
      seen[j] = true;
    }
    if (!unknown.isEmpty()) {
      throw RequestException.badInput(
          where + " has unknown feature(s) " + unknown + "; the model expects " + names);
    }
    List<String> missing = new ArrayList<>();
    for (int j = 0; j < seen.length; j++) {
      if (!seen[j]) {
        missing.add(names.get(j));
      }
    }
    if (!missing.isEmpty()) {
      throw RequestException.badInput(where + " is missing feature(s) " + missing);
    }
    return row;
  }

  private double number(JsonNode value, String where, int j) {
    if (value == null || !value.isNumber()) {
      throw notANumber(where, j, value);
    }
    double d = value.doubleValue();
    if (!Double.isFinite(d)) { // the message is built only when needed: this runs for every number
      throw notFinite(where, j, d);
    }
    return d;
  }

  /** A list row of {@code size} values where the model takes {@link #width()}. */
  public RequestException wrongWidth(String where, int size) {
    return RequestException.badInput(
        where
            + " has "
            + size
            + " features but the model expects "
            + width()
            + " ("
            + String.join(", ", names)
            + ")");
  }

  /** Feature {@code j} of a row is not a number. */
  public RequestException notANumber(String where, int j, JsonNode value) {
    return RequestException.badInput(
        where + ": feature '" + names.get(j) + "' must be a number, got " + kind(value));
  }

  /** Feature {@code j} of a row is NaN or infinite (a number too large for a double). */
  public RequestException notFinite(String where, int j, double value) {
    return RequestException.badInput(
        where + ": feature '" + names.get(j) + "' must be a finite number, got " + value);
  }

  /** Refuses NaN and infinities, which trees would silently route down one branch. */
  public static double finite(double value, String what) {
    if (!Double.isFinite(value)) {
      throw RequestException.badInput(what + " must be a finite number, got " + value);
    }
    return value;
  }

  public static String kind(JsonNode node) {
    if (node == null || node.isNull()) {
      return "null";
    }
    if (node.isTextual()) {
      String text = node.asText();
      return "the string \"" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "\"";
    }
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
