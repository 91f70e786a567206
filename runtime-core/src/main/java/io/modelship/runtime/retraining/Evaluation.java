package io.modelship.runtime.retraining;

import io.modelship.runtime.format.LoadedModel;
import io.modelship.runtime.format.Predictions;
import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.training.LabeledTable;
import java.util.List;

/**
 * A loaded model's metric on labelled rows, as the runtime itself predicts them: accuracy for a
 * classifier (higher is better), RMSE for a regressor (lower is better).
 */
final class Evaluation {

  static final String ACCURACY = "accuracy";
  static final String RMSE = "rmse";

  private Evaluation() {}

  static String metricOf(ModelManifest manifest) {
    return manifest.regression() ? RMSE : ACCURACY;
  }

  static double of(LoadedModel model, ModelManifest manifest, LabeledTable rows) {
    Predictions p = model.predict(rows.rows());
    List<String> truth = rows.labelValues();
    if (manifest.regression()) {
      double[] y = rows.numericTargets();
      double sum = 0;
      for (int i = 0; i < y.length; i++) {
        double d = p.values()[i] - y[i];
        sum += d * d;
      }
      return Math.sqrt(sum / y.length);
    }
    List<String> labels = manifest.labels();
    int right = 0;
    for (int i = 0; i < truth.size(); i++) {
      if (labels.get(p.classIndex()[i]).equals(truth.get(i))) {
        right++;
      }
    }
    return (double) right / truth.size();
  }
}
