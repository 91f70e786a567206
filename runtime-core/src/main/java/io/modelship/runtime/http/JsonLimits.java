package io.modelship.runtime.http;

import io.modelship.runtime.inference.FeatureRows;

/**
 * What one request body may hold once parsed: JSON values (every number, string, list, object and
 * object member counts one) and nesting depth. The tree of a body costs about {@link
 * BoundedJson#BYTES_PER_VALUE} bytes per value, so this bounds a request's memory whatever the
 * bytes are ({@code [[],[],…]} or one huge list), and parsing stops at the first value over.
 *
 * @param maxValues values allowed in the whole body
 * @param maxDepth nesting allowed (the root object is depth 1)
 * @param takes what the endpoint takes, for the error message (e.g. "at most 10000 rows of 4
 *     features")
 */
public record JsonLimits(long maxValues, int maxDepth, String takes) {

  /** Request bodies nest only a few levels (an infer tensor of rows is 5). */
  public static final int MAX_DEPTH = 16;

  /** Room for the envelope around the rows: keys, ids, shapes, parameters. */
  private static final int ENVELOPE = 256;

  /** A small object such as a feedback body. */
  public static final JsonLimits SMALL =
      new JsonLimits(ENVELOPE, MAX_DEPTH, "one small JSON object");

  /**
   * Labels another replica hands over: at most {@code labels} objects of a request id and a label
   * or value (an object and two members each).
   */
  public static JsonLimits forLabels(int labels) {
    return new JsonLimits(
        3L * labels + ENVELOPE, MAX_DEPTH, "at most " + labels + " labels of request ids");
  }

  /** A body of one row of the model's features (a list, or an object keyed by feature name). */
  public static JsonLimits forRow(FeatureRows rows) {
    return new JsonLimits(
        2L * rows.width() + 1 + ENVELOPE, MAX_DEPTH, "one row of " + rows.width() + " features");
  }

  /**
   * A body of at most {@code maxBatchRows} rows of the model's features, as lists or as objects
   * keyed by feature name (each member counts, so 2 per feature, plus 1 per row).
   */
  public static JsonLimits forRows(FeatureRows rows) {
    long values = (long) rows.maxBatchRows() * (2L * rows.width() + 1) + ENVELOPE;
    return new JsonLimits(
        values,
        MAX_DEPTH,
        "at most " + rows.maxBatchRows() + " rows of " + rows.width() + " features");
  }
}
