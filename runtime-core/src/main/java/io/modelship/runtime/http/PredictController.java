package io.modelship.runtime.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.modelship.runtime.inference.InferenceService;
import io.modelship.runtime.inference.ModelRuntime;
import io.modelship.runtime.inference.RequestException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The runtime's own REST API: {@code POST /predict} and {@code POST /predict_batch}. */
public final class PredictController {

  private final ModelRuntime runtime;

  public PredictController(ModelRuntime runtime) {
    this.runtime = runtime;
  }

  public void predict(Context ctx) {
    InferenceService service = runtime.require();
    JsonNode body =
        JsonIo.body(
            ctx,
            runtime.config().maxBodyBytes(),
            runtime.config().bodyTiming(),
            JsonLimits.forRow(service.rows()));
    if (!body.isObject()) {
      throw RequestException.badInput("request body must be an object like {\"features\": [...]}");
    }
    double[] row = service.rows().row(body.get("features"), "'features'");
    InferenceService.Prediction p = service.predict(new double[][] {row})[0];
    Map<String, Object> out = new LinkedHashMap<>();
    if (service.regression()) {
      out.put("prediction", p.value());
    } else {
      out.put("prediction", service.labels().get(p.classIndex()));
      out.put(
          "probabilities",
          PredictionJson.probabilitiesByLabel(service.labels(), p.probabilities()));
    }
    out.put("model", service.manifest().name());
    out.put("version", service.manifest().version());
    out.put("request_id", p.requestId());
    JsonIo.ok(ctx, out);
  }

  /** Accepts {@code {"instances": [...]}} or a bare list of rows. */
  public void predictBatch(Context ctx) {
    InferenceService service = runtime.require();
    BatchBody body =
        JsonIo.batchBody(
            ctx,
            runtime.config().maxBodyBytes(),
            runtime.config().bodyTiming(),
            service.rows(),
            "instances",
            true);
    InferenceService.Prediction[] predictions =
        service.predict(body.rows(service.rows(), "'instances'"));
    JsonIo.send(ctx, 200, PredictionJson.batchAnswer(service, predictions, true));
  }
}
