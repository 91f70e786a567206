package io.modelship.runtime.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.modelship.runtime.inference.FeatureRows;
import io.modelship.runtime.inference.InferenceService;
import io.modelship.runtime.inference.InputTensors;
import io.modelship.runtime.inference.ModelRuntime;
import io.modelship.runtime.inference.RequestException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Open Inference Protocol (V2) REST: server and model metadata, liveness and readiness, and {@code
 * infer} with either one {@code [rows, features]} tensor or one tensor per feature.
 */
public final class OpenInferenceController {

  static final String LABEL_OUTPUT = "label";
  static final String PROBABILITIES_OUTPUT = "probabilities";

  /** A regressor's one output: the predicted values, FP64 {@code [rows]}. */
  static final String VALUE_OUTPUT = "prediction";

  static final String INPUT_NAME = "input-0";
  private static final Set<String> NUMERIC_TYPES =
      Set.of(
          "FP32", "FP64", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64");

  private final ModelRuntime runtime;
  private final String serverVersion;

  public OpenInferenceController(ModelRuntime runtime, String serverVersion) {
    this.runtime = runtime;
    this.serverVersion = serverVersion;
  }

  public void serverMetadata(Context ctx) {
    JsonIo.ok(
        ctx,
        Map.of(
            "name",
            "modelship-serving-runtime",
            "version",
            serverVersion,
            "extensions",
            List.of()));
  }

  public void live(Context ctx) {
    JsonIo.ok(ctx, Map.of("live", true));
  }

  public void ready(Context ctx) {
    if (!runtime.ready()) {
      throw RequestException.notReady(runtime.notReadyReason());
    }
    JsonIo.ok(ctx, Map.of("ready", true));
  }

  public void modelReady(Context ctx) {
    InferenceService service = resolve(ctx);
    JsonIo.ok(ctx, Map.of("name", service.manifest().name(), "ready", runtime.ready()));
  }

  public void modelMetadata(Context ctx) {
    InferenceService service = resolve(ctx);
    int features = service.rows().width();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", service.manifest().name());
    out.put("versions", List.of(service.manifest().version()));
    out.put("platform", service.manifest().format());
    out.put(
        "inputs",
        List.of(
            Map.of(
                "name",
                INPUT_NAME,
                "datatype",
                "FP64",
                "shape",
                List.of(-1, features),
                "parameters",
                Map.of("feature_names", service.rows().names()))));
    out.put(
        "outputs",
        service.regression()
            ? List.of(Map.of("name", VALUE_OUTPUT, "datatype", "FP64", "shape", List.of(-1)))
            : List.of(
                Map.of("name", LABEL_OUTPUT, "datatype", "BYTES", "shape", List.of(-1)),
                Map.of(
                    "name",
                    PROBABILITIES_OUTPUT,
                    "datatype",
                    "FP64",
                    "shape",
                    List.of(-1, service.labels().size()),
                    "parameters",
                    Map.of("labels", service.labels()))));
    JsonIo.ok(ctx, out);
  }

  public void infer(Context ctx) {
    InferenceService service = resolve(ctx);
    JsonNode body =
        JsonIo.body(
            ctx,
            runtime.config().maxBodyBytes(),
            runtime.config().bodyTiming(),
            JsonLimits.forRows(service.rows()));
    if (!body.isObject()) {
      throw RequestException.badInput("infer request must be an object with 'inputs'");
    }
    double[][] rows = rows(service.rows(), body.get("inputs"));
    Set<String> wanted = requestedOutputs(body.get("outputs"), service.regression());
    InferenceService.Prediction[] predictions = service.predict(rows);
    int k = service.labels().size();
    List<Map<String, Object>> outputs = new ArrayList<>();
    if (service.regression() && wanted.contains(VALUE_OUTPUT)) {
      double[] values = new double[predictions.length];
      for (int i = 0; i < predictions.length; i++) {
        values[i] = predictions[i].value();
      }
      outputs.add(tensor(VALUE_OUTPUT, "FP64", List.of(predictions.length), values));
    }
    if (!service.regression() && wanted.contains(LABEL_OUTPUT)) {
      List<String> labels = new ArrayList<>(predictions.length);
      for (InferenceService.Prediction p : predictions) {
        labels.add(service.labels().get(p.classIndex()));
      }
      outputs.add(tensor(LABEL_OUTPUT, "BYTES", List.of(predictions.length), labels));
    }
    if (!service.regression() && wanted.contains(PROBABILITIES_OUTPUT)) {
      double[] flat = new double[predictions.length * k];
      for (int i = 0; i < predictions.length; i++) {
        System.arraycopy(predictions[i].probabilities(), 0, flat, i * k, k);
      }
      outputs.add(tensor(PROBABILITIES_OUTPUT, "FP64", List.of(predictions.length, k), flat));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model_name", service.manifest().name());
    out.put("model_version", service.manifest().version());
    JsonNode id = body.get("id");
    if (id != null && !id.isNull()) {
      out.put("id", id.asText());
    }
    out.put("outputs", outputs);
    JsonIo.ok(ctx, out);
  }

  private static Map<String, Object> tensor(
      String name, String datatype, List<Integer> shape, Object data) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("name", name);
    t.put("datatype", datatype);
    t.put("shape", shape);
    t.put("data", data);
    return t;
  }

  private InferenceService resolve(Context ctx) {
    InferenceService service = runtime.require();
    String name = ctx.pathParam("name");
    if (!service.manifest().name().equals(name)) {
      throw RequestException.notFound(
          "model '"
              + name
              + "' is not served here (this runtime serves '"
              + service.manifest().name()
              + "')");
    }
    String version = ctx.pathParamMap().get("version");
    if (version != null && !version.equals(service.manifest().version())) {
      throw RequestException.notFound(
          "model '"
              + name
              + "' has no version '"
              + version
              + "' here (serving "
              + service.manifest().version()
              + ")");
    }
    return service;
  }

  private static Set<String> requestedOutputs(JsonNode outputs, boolean regression) {
    Set<String> known =
        regression ? Set.of(VALUE_OUTPUT) : Set.of(LABEL_OUTPUT, PROBABILITIES_OUTPUT);
    if (outputs == null || outputs.isNull()) {
      return known;
    }
    if (!outputs.isArray()) {
      throw RequestException.badInput("'outputs' must be a list of {\"name\": …}");
    }
    Set<String> names = new HashSet<>();
    for (JsonNode o : outputs) {
      String name = o.path("name").asText("");
      if (!known.contains(name)) {
        throw RequestException.badInput(
            "unknown output '"
                + name
                + "'; this model has "
                + (regression
                    ? "'" + VALUE_OUTPUT + "'"
                    : "'" + LABEL_OUTPUT + "' and '" + PROBABILITIES_OUTPUT + "'"));
      }
      names.add(name);
    }
    return names;
  }

  /**
   * One {@code [n, features]} (or {@code [features]}) tensor, or one {@code [n]} tensor per
   * feature.
   */
  static double[][] rows(FeatureRows features, JsonNode inputs) {
    if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
      throw RequestException.badInput("'inputs' must be a non-empty list of tensors");
    }
    List<InputTensors.Tensor> tensors = new ArrayList<>(inputs.size());
    for (JsonNode input : inputs) {
      tensors.add(TensorJson.read(input));
    }
    return InputTensors.rows(features, tensors);
  }

  /**
   * Integer datatypes and their ranges: a value outside its declared type is refused, not
   * converted.
   */
  private static final Map<String, BigInteger[]> INTEGER_RANGES =
      Map.of(
          "INT8",
          range(Byte.MIN_VALUE, Byte.MAX_VALUE),
          "INT16",
          range(Short.MIN_VALUE, Short.MAX_VALUE),
          "INT32",
          range(Integer.MIN_VALUE, Integer.MAX_VALUE),
          "INT64",
          range(Long.MIN_VALUE, Long.MAX_VALUE),
          "UINT8",
          range(0, 255),
          "UINT16",
          range(0, 65_535),
          "UINT32",
          range(0, 4_294_967_295L),
          "UINT64",
          new BigInteger[] {
            BigInteger.ZERO, BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE)
          });

  private static BigInteger[] range(long min, long max) {
    return new BigInteger[] {BigInteger.valueOf(min), BigInteger.valueOf(max)};
  }

  /**
   * Refuses a value its input's datatype cannot hold (INT8 1000, UINT64 -1, INT32 1.5, FP32 1e300).
   */
  static void checkRange(JsonNode v, String datatype, String name, int index) {
    BigInteger[] range = INTEGER_RANGES.get(datatype);
    if (range != null) {
      BigInteger value = v.isIntegralNumber() ? v.bigIntegerValue() : null;
      if (value == null || value.compareTo(range[0]) < 0 || value.compareTo(range[1]) > 0) {
        throw RequestException.badInput(
            "input '"
                + name
                + "' value "
                + index
                + " ("
                + v
                + ") is not a "
                + datatype
                + " ("
                + (value == null ? "not a whole number" : "outside " + range[0] + ".." + range[1])
                + ")");
      }
    } else if ("FP32".equals(datatype) && Math.abs(v.doubleValue()) > Float.MAX_VALUE) {
      throw RequestException.badInput(
          "input '" + name + "' value " + index + " (" + v + ") is outside the FP32 range");
    }
  }

  /**
   * A numeric input tensor read from its JSON, its data flattened row-major and checked against its
   * shape.
   */
  private static final class TensorJson {

    private TensorJson() {}

    static InputTensors.Tensor read(JsonNode input) {
      if (input == null || !input.isObject()) {
        throw RequestException.badInput(
            "each input must be an object with name, shape, datatype and data");
      }
      String name = input.path("name").asText(INPUT_NAME);
      String datatype = input.path("datatype").asText("");
      if (!NUMERIC_TYPES.contains(datatype)) {
        throw RequestException.badInput(
            "input '"
                + name
                + "' has unsupported datatype '"
                + datatype
                + "'; use one of "
                + new TreeSet<>(NUMERIC_TYPES));
      }
      JsonNode shapeNode = input.get("shape");
      if (shapeNode == null || !shapeNode.isArray() || shapeNode.isEmpty()) {
        throw RequestException.badInput("input '" + name + "' needs a 'shape' list");
      }
      long[] shape = new long[shapeNode.size()];
      long expected = 1;
      for (int i = 0; i < shape.length; i++) {
        JsonNode d = shapeNode.get(i);
        if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
          throw RequestException.badInput("input '" + name + "' has an invalid shape " + shapeNode);
        }
        shape[i] = d.asLong();
        try {
          expected = Math.multiplyExact(expected, shape[i]);
        } catch (ArithmeticException e) {
          throw RequestException.badInput(
              "input '" + name + "' has an impossibly large shape " + shapeNode);
        }
      }
      List<Double> flat = new ArrayList<>();
      flatten(input.get("data"), name, datatype, flat);
      if (flat.size() != expected) {
        throw RequestException.badInput(
            "input '"
                + name
                + "' has shape "
                + shapeNode
                + " ("
                + expected
                + " values) but its data holds "
                + flat.size());
      }
      return new InputTensors.Tensor(
          name, shape, flat.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static void flatten(JsonNode data, String name, String datatype, List<Double> out) {
      if (data == null || !data.isArray()) {
        throw RequestException.badInput("input '" + name + "' needs a 'data' list");
      }
      for (JsonNode v : data) {
        if (v.isArray()) {
          flatten(v, name, datatype, out);
        } else if (v.isNumber()) {
          checkRange(v, datatype, name, out.size());
          double d = v.doubleValue();
          if (!Double.isFinite(d)) {
            FeatureRows.finite(d, "input '" + name + "' value " + out.size());
          }
          out.add(d);
        } else {
          throw RequestException.badInput(
              "input '"
                  + name
                  + "' value "
                  + out.size()
                  + " is not a number: "
                  + FeatureRows.kind(v));
        }
      }
    }
  }
}
