package io.modelship.format.onnx;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import io.modelship.runtime.format.ModelPackageException;
import io.modelship.runtime.format.ModelSpec;
import io.modelship.runtime.format.Task;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which of an ONNX graph's inputs and outputs the runtime uses, read from the session and checked
 * against the package: one float tensor input {@code [N, F]}; for a classifier a label tensor
 * (string or int64) and probabilities as a float tensor {@code [N, C]} or a sequence of maps
 * (scikit-learn's ZipMap); for a regressor one numeric tensor {@code [N]} or {@code [N, 1]}.
 */
record OnnxSignature(
    String input,
    int features,
    String labelOutput,
    OnnxJavaType labelType,
    String probabilityOutput,
    boolean zipMap,
    OnnxJavaType zipMapKeyType,
    String valueOutput,
    OnnxJavaType valueType) {

  static final String SUPPORTED_INPUT = "one float tensor input [N, F]";
  static final String SUPPORTED_CLASSIFIER =
      "a label tensor (string or int64, [N]) and probabilities"
          + " (float [N, C], or a sequence of maps as scikit-learn's ZipMap writes)";
  static final String SUPPORTED_REGRESSOR = "one numeric output (float or double, [N] or [N, 1])";

  static OnnxSignature of(OrtSession session, ModelSpec spec) {
    try {
      return of(session.getInputInfo(), session.getOutputInfo(), spec);
    } catch (OrtException e) {
      throw new ModelPackageException(
          "cannot read the ONNX model's inputs and outputs: " + e.getMessage(), e);
    }
  }

  static OnnxSignature of(
      Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs, ModelSpec spec) {
    if (inputs.size() != 1) {
      throw new ModelPackageException(
          "the ONNX model has "
              + inputs.size()
              + " inputs ("
              + describe(inputs)
              + "); supported: "
              + SUPPORTED_INPUT);
    }
    NodeInfo in = inputs.values().iterator().next();
    if (!(in.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT) {
      throw new ModelPackageException(
          "the ONNX model's input is "
              + describe(in)
              + "; supported: "
              + SUPPORTED_INPUT
              + " (export with a FloatTensorType input)");
    }
    long[] shape = tensor.getShape();
    if (shape.length != 2) {
      throw new ModelPackageException(
          "the ONNX model's input is "
              + describe(in)
              + ", of rank "
              + shape.length
              + "; supported: "
              + SUPPORTED_INPUT);
    }
    if (shape[1] > 0 && shape[1] != spec.featureCount()) {
      throw new ModelPackageException(
          "the ONNX model's input is "
              + describe(in)
              + " ("
              + shape[1]
              + " features) but the package has "
              + spec.featureCount()
              + " features "
              + spec.featureNames());
    }
    return spec.task() == Task.REGRESSION
        ? regressor(in.getName(), spec, outputs)
        : classifier(in.getName(), spec, outputs);
  }

  private static OnnxSignature regressor(
      String input, ModelSpec spec, Map<String, NodeInfo> outputs) {
    if (outputs.size() == 1
        && outputs.values().iterator().next().getInfo() instanceof TensorInfo t
        && (t.type == OnnxJavaType.FLOAT || t.type == OnnxJavaType.DOUBLE)
        && (t.getShape().length == 1 || (t.getShape().length == 2 && t.getShape()[1] == 1))) {
      return new OnnxSignature(
          input,
          spec.featureCount(),
          null,
          null,
          null,
          false,
          null,
          outputs.keySet().iterator().next(),
          t.type);
    }
    throw new ModelPackageException(
        "the ONNX model's outputs are "
            + describe(outputs)
            + "; a regressor needs "
            + SUPPORTED_REGRESSOR);
  }

  private static OnnxSignature classifier(
      String input, ModelSpec spec, Map<String, NodeInfo> outputs) {
    String label = null;
    OnnxJavaType labelType = null;
    String probabilities = null;
    boolean zipMap = false;
    OnnxJavaType keyType = null;
    long columns = -1;
    for (NodeInfo out : outputs.values()) {
      ValueInfo info = out.getInfo();
      if (label == null
          && info instanceof TensorInfo t
          && (t.type == OnnxJavaType.STRING || t.type == OnnxJavaType.INT64)
          && isColumn(t.getShape())) {
        label = out.getName();
        labelType = t.type;
      } else if (probabilities == null
          && info instanceof TensorInfo t
          && t.type == OnnxJavaType.FLOAT
          && t.getShape().length == 2) {
        probabilities = out.getName();
        columns = t.getShape()[1];
      } else if (probabilities == null
          && info instanceof SequenceInfo s
          && s.isSequenceOfMaps()
          && s.mapInfo.valueType == OnnxJavaType.FLOAT
          && (s.mapInfo.keyType == OnnxJavaType.STRING
              || s.mapInfo.keyType == OnnxJavaType.INT64)) {
        probabilities = out.getName();
        zipMap = true;
        keyType = s.mapInfo.keyType;
      }
    }
    if (label == null || probabilities == null) {
      throw new ModelPackageException(
          "the ONNX model's outputs are "
              + describe(outputs)
              + "; a classifier needs "
              + SUPPORTED_CLASSIFIER
              + (spec.task() == Task.CLASSIFICATION
                  ? " (is it a regressor? package it with --task regression)"
                  : ""));
    }
    if (columns > 0 && columns != spec.labels().size()) {
      throw new ModelPackageException(
          "labels disagree: the ONNX model's probabilities "
              + describe(outputs.get(probabilities))
              + " have "
              + columns
              + " columns but the package has "
              + spec.labels().size()
              + " labels "
              + spec.labels());
    }
    return new OnnxSignature(
        input, spec.featureCount(), label, labelType, probabilities, zipMap, keyType, null, null);
  }

  private static boolean isColumn(long[] shape) {
    return shape.length == 1 || (shape.length == 2 && shape[1] == 1);
  }

  static String describe(Map<String, NodeInfo> nodes) {
    return nodes.values().stream().map(OnnxSignature::describe).collect(Collectors.joining(", "));
  }

  static String describe(NodeInfo node) {
    return "'" + node.getName() + "' " + describe(node.getInfo());
  }

  static String describe(ValueInfo info) {
    return switch (info) {
      case TensorInfo t ->
          type(t.type)
              + Arrays.stream(t.getShape())
                  .mapToObj(d -> d < 0 ? "N" : Long.toString(d))
                  .collect(Collectors.joining(", ", "[", "]"));
      case SequenceInfo s ->
          "sequence of " + (s.isSequenceOfMaps() ? describe(s.mapInfo) : type(s.sequenceType));
      case MapInfo m -> "map<" + type(m.keyType) + ", " + type(m.valueType) + ">";
      default -> info.toString();
    };
  }

  private static String type(OnnxJavaType type) {
    return type.name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * For logs and {@code inspect}: e.g. {@code 'input' float[N, 4] -> label 'output_label',
   * probabilities 'output_probability' (ZipMap)}.
   */
  String summary() {
    String in = "'" + input + "' float[N, " + features + "]";
    if (valueOutput != null) {
      return in + " -> value '" + valueOutput + "'";
    }
    return in
        + " -> label '"
        + labelOutput
        + "' ("
        + type(labelType)
        + "), probabilities '"
        + probabilityOutput
        + "'"
        + (zipMap ? " (ZipMap)" : "");
  }
}
