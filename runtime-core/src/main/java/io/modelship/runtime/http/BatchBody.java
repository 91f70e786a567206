package io.modelship.runtime.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.modelship.runtime.inference.FeatureRows;
import io.modelship.runtime.inference.RequestException;
import java.io.IOException;
import java.util.Arrays;

/**
 * A batch request body ({@code {"instances": [[…], …]}} or, where the endpoint takes it, a bare
 * list of rows) read token by token: list rows go straight from the parser into {@code double[]},
 * with no JSON tree in between, which for 1000 rows of 20 features was most of a request's CPU.
 * Everything else (object rows, a non-list {@code instances}, other members) is read as a tree as
 * before.
 *
 * <p>The answer is the tree path's, exactly: values are counted against the same {@link JsonLimits}
 * (and the shared in-flight budget), and a row's problem is kept until the whole body has been
 * read, so malformed JSON anywhere, an empty or oversize batch, and the first bad row are reported
 * in the same order and with the same messages as {@link FeatureRows#rows}.
 */
final class BatchBody {

  /** Root of the body: a list or an object. */
  enum Root {
    LIST,
    OBJECT
  }

  private final Root root;
  private final Rows streamed;
  private final JsonNode instances;

  private BatchBody(Root root, Rows streamed, JsonNode instances) {
    this.root = root;
    this.streamed = streamed;
    this.instances = instances;
  }

  Root root() {
    return root;
  }

  /**
   * The validated rows, or the first problem with them: the batch missing, not a list, empty or
   * over the row limit, then the first bad row.
   */
  double[][] rows(FeatureRows features, String where) {
    return streamed != null ? streamed.checked(where) : features.rows(instances, where);
  }

  /**
   * Reads the body in {@code parser}; null for an empty body. {@code field} names the member that
   * holds the rows; {@code bareList} says whether the body may be the list of rows itself.
   */
  static BatchBody read(
      JsonParser parser, BoundedJson json, FeatureRows features, String field, boolean bareList)
      throws IOException {
    JsonToken first = parser.nextToken();
    if (first == null) {
      return null;
    }
    BatchBody body;
    if (first == JsonToken.START_ARRAY && bareList) {
      json.count();
      json.nested(1);
      body = new BatchBody(Root.LIST, new Rows(parser, json, features).read(2), null);
    } else if (first == JsonToken.START_OBJECT) {
      json.count();
      json.nested(1);
      Rows streamed = null;
      JsonNode instances = null;
      for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
        String name = parser.currentName();
        json.count();
        JsonToken value = parser.nextToken();
        if (!field.equals(name)) {
          json.value(value, 2); // counted and dropped: no endpoint reads other members
        } else if (value == JsonToken.START_ARRAY) {
          json.count();
          json.nested(2);
          streamed = new Rows(parser, json, features).read(3);
          instances = null;
        } else { // not a list: kept as a tree for the error message
          instances = json.value(value, 2);
          streamed = null;
        }
      }
      body = new BatchBody(Root.OBJECT, streamed, instances);
    } else {
      JsonNode node = json.value(first, 1);
      json.refuseTrailingContent();
      if (!node.isArray()) {
        throw HttpError.badRequest("request body must be a JSON object");
      }
      return new BatchBody(Root.LIST, null, node);
    }
    json.refuseTrailingContent();
    return body;
  }

  /** The rows of one list, read after its {@code [}; problems are kept for {@link #checked}. */
  private static final class Rows {
    private final JsonParser parser;
    private final BoundedJson json;
    private final FeatureRows features;
    private final int width;
    private double[][] rows;
    private int count;

    /** The first bad row's index and problem (its message is built only when asked for). */
    private int badRow = -1;

    private Problem problem;

    Rows(JsonParser parser, BoundedJson json, FeatureRows features) {
      this.parser = parser;
      this.json = json;
      this.features = features;
      this.width = features.width();
      this.rows = new double[Math.min(features.maxBatchRows(), 64)][];
    }

    /** Reads rows until the list's {@code ]}; each row opens at {@code depth}. */
    Rows read(int depth) throws IOException {
      for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
        int i = count++;
        if (badRow >= 0 || i >= features.maxBatchRows()) {
          json.value(t, depth); // the answer is already an error: count what is left, keep nothing
          continue;
        }
        double[] row = t == JsonToken.START_ARRAY ? listRow(depth, i) : treeRow(t, depth, i);
        if (row != null) {
          if (i == rows.length) {
            rows = Arrays.copyOf(rows, (int) Math.min(features.maxBatchRows(), 2L * rows.length));
          }
          rows[i] = row;
        }
      }
      return this;
    }

    /**
     * A row as a list of numbers, read straight into its array; null (and a problem noted) if bad.
     */
    private double[] listRow(int depth, int i) throws IOException {
      json.count();
      json.nested(depth);
      double[] row = new double[width];
      int n = 0;
      int bad = -1;
      JsonNode badValue = null;
      for (JsonToken t = parser.nextToken();
          t != JsonToken.END_ARRAY;
          t = parser.nextToken(), n++) {
        if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
          json.count();
          double d = parser.getDoubleValue();
          if (n < width) {
            row[n] = d;
            if (bad < 0 && !Double.isFinite(d)) {
              bad = n;
            }
          }
        } else {
          JsonNode value = json.value(t, depth + 1);
          if (bad < 0 && n < width) {
            bad = n;
            badValue = value;
          }
        }
      }
      if (n != width) {
        note(i, new Problem(n, -1, null, 0));
        return null;
      }
      if (bad >= 0) {
        note(i, new Problem(n, bad, badValue, row[bad]));
        return null;
      }
      return row;
    }

    /**
     * Any other row (an object keyed by feature name, or something that is no row) via its tree.
     */
    private double[] treeRow(JsonToken t, int depth, int i) throws IOException {
      JsonNode node = json.value(t, depth);
      try {
        return features.row(node, "row");
      } catch (RequestException e) {
        note(i, new Problem(-1, -1, node, 0));
        return null;
      }
    }

    private void note(int i, Problem p) {
      badRow = i;
      problem = p;
      rows = null;
    }

    double[][] checked(String where) {
      features.checkBatchSize(count, where);
      if (badRow >= 0) {
        throw problem.exception(features, where + "[" + badRow + "]");
      }
      return rows.length == count ? rows : Arrays.copyOf(rows, count);
    }
  }

  /**
   * What was wrong with a row: a list of the wrong length ({@code feature} -1), a bad feature value
   * (not a number, then {@code value} is it; else non-finite), or a tree row ({@code size} -1).
   */
  private record Problem(int size, int feature, JsonNode value, double number) {
    RequestException exception(FeatureRows features, String where) {
      if (size < 0) {
        try {
          features.row(value, where);
        } catch (RequestException e) {
          return e;
        }
        throw new IllegalStateException("row " + where + " was refused once and accepted now");
      }
      if (feature < 0) {
        return features.wrongWidth(where, size);
      }
      return value != null
          ? features.notANumber(where, feature, value)
          : features.notFinite(where, feature, number);
    }
  }
}
