package io.modelship.format.smile;

import io.modelship.runtime.format.ModelPackageException;
import java.util.List;
import smile.data.Tuple;
import smile.data.type.DataTypes;
import smile.data.type.StructField;
import smile.data.type.StructType;
import smile.regression.DataFrameRegression;

/** Serves a Smile regressor that takes named tuples (random forest, regression tree). */
final class SmileRegressor {

  private final DataFrameRegression model;
  private final StructType schema;

  private SmileRegressor(DataFrameRegression model, StructType schema) {
    this.model = model;
    this.schema = schema;
  }

  static SmileRegressor of(Object artifact, List<String> featureNames) {
    if (!(artifact instanceof DataFrameRegression regression)) {
      throw new ModelPackageException(
          "artifact is a "
              + artifact.getClass().getName()
              + ", not a Smile regressor (model.json says task regression)");
    }
    return new SmileRegressor(
        regression,
        new StructType(
            featureNames.stream()
                .map(name -> new StructField(name, DataTypes.DoubleType))
                .toList()));
  }

  double predict(double[] features) {
    return model.predict(Tuple.of(schema, features));
  }

  double[] predictAll(double[][] rows) {
    double[] out = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = predict(rows[i]);
    }
    return out;
  }

  /** Predictor names the model was fitted with (without the target). */
  List<String> featureNames(String target) {
    return model.schema().fields().stream()
        .map(StructField::name)
        .filter(n -> !n.equals(target))
        .toList();
  }
}
