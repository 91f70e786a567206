package io.modelship.format.smile;

import io.modelship.runtime.format.ModelPackageException;
import java.util.List;
import smile.classification.Classifier;
import smile.data.Tuple;
import smile.data.type.DataTypes;
import smile.data.type.StructField;
import smile.data.type.StructType;

/**
 * Serves a Smile soft classifier, whether it takes named tuples (trees) or plain vectors (linear
 * models).
 */
public final class SmilePredictor implements Predictor {

  private final Classifier<Tuple> tupleModel;
  private final Classifier<double[]> vectorModel;
  private final StructType schema;

  private SmilePredictor(
      Classifier<Tuple> tupleModel, Classifier<double[]> vectorModel, StructType schema) {
    this.tupleModel = tupleModel;
    this.vectorModel = vectorModel;
    this.schema = schema;
  }

  /**
   * Wraps a deserialised artifact, checking it is a Smile classifier that yields probabilities.
   *
   * @param featureNames the manifest's features, which tree models look up by name
   */
  @SuppressWarnings("unchecked")
  public static SmilePredictor of(Object artifact, List<String> featureNames) {
    if (!(artifact instanceof Classifier<?> classifier)) {
      throw new ModelPackageException(
          "artifact is a " + artifact.getClass().getName() + ", not a Smile classifier");
    }
    if (!classifier.isSoft()) {
      throw new ModelPackageException(
          "artifact "
              + artifact.getClass().getSimpleName()
              + " does not produce class probabilities");
    }
    if (artifact instanceof smile.classification.DataFrameClassifier) {
      StructType schema =
          new StructType(
              featureNames.stream()
                  .map(name -> new StructField(name, DataTypes.DoubleType))
                  .toList());
      return new SmilePredictor((Classifier<Tuple>) classifier, null, schema);
    }
    return new SmilePredictor(null, (Classifier<double[]>) classifier, null);
  }

  @Override
  public int predict(double[] features, double[] probabilities) {
    if (tupleModel != null) {
      return tupleModel.predict(Tuple.of(schema, features), probabilities);
    }
    return vectorModel.predict(features, probabilities);
  }
}
