package io.modelship.format.onnx;

import io.modelship.runtime.format.LoadedModel;
import io.modelship.runtime.format.ModelSpec;
import io.modelship.runtime.format.Predictions;
import java.util.Map;

/**
 * A tree ensemble served by its compiled form alone, ONNX Runtime never started: what a package
 * whose {@link PackagedCheck} holds loads into.
 */
final class CompiledOnnxModel implements LoadedModel {

  private final OnnxTrees trees;
  private final String describe;
  private final Map<String, String> checks;

  CompiledOnnxModel(OnnxTrees trees, ModelSpec spec, String check) {
    this.trees = trees;
    this.describe =
        "ONNX "
            + trees.summary(spec.featureCount())
            + ", served by the compiled tree ensemble ("
            + trees
            + "; ONNX Runtime not started: these trees agreed with it when the package was made)";
    String labels = spec.checks().get(BinaryLabels.KEY);
    this.checks =
        labels == null || !BinaryLabels.recorded(spec)
            ? Map.of(PackagedCheck.KEY, check)
            : Map.of(PackagedCheck.KEY, check, BinaryLabels.KEY, labels);
  }

  @Override
  public String describe() {
    return describe;
  }

  @Override
  public Predictions predict(double[][] rows) {
    return trees.predict(rows);
  }

  @Override
  public Map<String, String> checks() {
    return checks;
  }
}
