package io.modelship.format.onnx;

import io.modelship.runtime.format.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ONNX Runtime's label output of a two-class tree ensemble, which can disagree with its own
 * probabilities: with a vote for each of the two classes at every leaf (a common export of a binary
 * forest), ONNX Runtime 1.23 labels rows by its binary rule rather than by the higher of the two
 * probabilities it returns, so a row whose probabilities are {@code [0.88, 0.12]} comes back
 * labelled {@code 1} (ONNX Runtime issues #27533 and #28557). The probabilities are the forest's
 * (scikit-learn's {@code predict_proba}); the label is not.
 *
 * <p>Where the graph is exactly such an ensemble — a lone {@code TreeEnsembleClassifier} with two
 * class labels, in the package's label order, whose label and probabilities are the graph's outputs
 * (the probabilities possibly through a {@code ZipMap} of the same classes) — the two outputs come
 * from one node and one class list, so a disagreement between them can only be that labelling rule.
 * Such a model is served with the label taken as the class of the highest probability, as
 * scikit-learn's {@code predict} takes it; the load and {@code package} say so with the count of
 * probe rows on which ONNX Runtime's label disagreed, and {@code package} records the decision in
 * {@code model.json} ({@value #KEY}). Any other graph whose labels disagree with its probabilities
 * is refused as before.
 */
final class BinaryLabels {

  /** The entry {@code package} records in {@code model.json} ({@code artifact.checks}). */
  static final String KEY = "onnx.labels";

  private static final String PREFIX =
      "class of the highest probability: ONNX Runtime's label output disagreed"
          + " with its probabilities on ";
  private static final Pattern RECORD =
      Pattern.compile(Pattern.quote(PREFIX) + "(\\d+) of (\\d+) probe rows.*");

  private BinaryLabels() {}

  /**
   * The ensemble node's attributes when the graph is a two-class tree ensemble whose label output
   * can only disagree with its probabilities by ONNX Runtime's binary labelling rule, else null.
   */
  static Map<String, OnnxProto.Attribute> ensemble(
      OnnxProto.Graph graph, OnnxSignature signature, ModelSpec spec) {
    if (graph == null
        || signature.labelOutput() == null
        || graph.nodes().isEmpty()
        || graph.nodes().size() > 2) {
      return null;
    }
    OnnxProto.Node node = graph.nodes().getFirst();
    if (!node.domain().equals("ai.onnx.ml")
        || !node.opType().equals("TreeEnsembleClassifier")
        || node.outputs().size() != 2
        || !node.outputs().getFirst().equals(signature.labelOutput())) {
      return null;
    }
    if (node.attributes().values().stream().anyMatch(OnnxProto.Attribute::tensor)) {
      return null;
    }
    List<String> classes = classLabels(node.attributes());
    if (classes.size() != 2 || !classes.equals(spec.labels())) {
      return null;
    }
    if (graph.nodes().size() == 1) {
      return !signature.zipMap() && node.outputs().get(1).equals(signature.probabilityOutput())
          ? node.attributes()
          : null;
    }
    OnnxProto.Node zipMap = graph.nodes().get(1);
    boolean same =
        signature.zipMap()
            && zipMap.domain().equals("ai.onnx.ml")
            && zipMap.opType().equals("ZipMap")
            && zipMap.inputs().equals(List.of(node.outputs().get(1)))
            && zipMap.outputs().equals(List.of(signature.probabilityOutput()))
            && classLabels(zipMap.attributes()).equals(classes);
    return same ? node.attributes() : null;
  }

  private static List<String> classLabels(Map<String, OnnxProto.Attribute> attributes) {
    List<String> out = new ArrayList<>();
    OnnxProto.Attribute strings = attributes.get("classlabels_strings");
    if (strings != null) {
      out.addAll(strings.strings());
    }
    OnnxProto.Attribute ints = attributes.get("classlabels_int64s");
    if (ints != null) {
      for (long v : ints.ints()) {
        out.add(Long.toString(v));
      }
    }
    return out;
  }

  /** The record of the decision, with the count of probe rows ONNX Runtime's label disagreed on. */
  static String record(int disagreed, int probed) {
    return PREFIX
        + disagreed
        + " of "
        + probed
        + " probe rows (a binary tree ensemble: ONNX Runtime issues"
        + " #27533, #28557); served as scikit-learn's predict labels";
  }

  /**
   * Whether {@code model.json} records the decision (a package made before it was taken has no
   * entry).
   */
  static boolean recorded(ModelSpec spec) {
    String value = spec.checks().get(KEY);
    if (value == null) {
      return false;
    }
    Matcher m = RECORD.matcher(value);
    return m.matches();
  }

  /** The one line the load and {@code package} print. */
  static String line(String artifact, int disagreed, int probed) {
    return artifact
        + ": ONNX Runtime's label output disagrees with its own probabilities on "
        + disagreed
        + " of "
        + probed
        + " probe rows, the known artefact of binary tree ensembles (ONNX Runtime issues #27533,"
        + " #28557); the label served is the class of the highest probability, as scikit-learn's predict"
        + " gives it (recorded in model.json as "
        + KEY
        + ")";
  }
}
