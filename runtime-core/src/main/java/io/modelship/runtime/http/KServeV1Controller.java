package io.modelship.runtime.http;

import io.javalin.http.Context;
import io.modelship.runtime.inference.InferenceService;
import io.modelship.runtime.inference.ModelRuntime;
import io.modelship.runtime.inference.RequestException;
import java.util.Map;

/** KServe V1 protocol: {@code GET /v1/models/{name}} and {@code POST /v1/models/{name}:predict}. */
public final class KServeV1Controller {

  private final ModelRuntime runtime;

  public KServeV1Controller(ModelRuntime runtime) {
    this.runtime = runtime;
  }

  public void status(Context ctx) {
    InferenceService service = named(ctx.pathParam("name"));
    JsonIo.ok(ctx, Map.of("name", service.manifest().name(), "ready", runtime.ready()));
  }

  /**
   * The route is {@code /v1/models/{target}} so that {@code name:predict} arrives as one segment.
   */
  public void predict(Context ctx) {
    String target = ctx.pathParam("target");
    if (!target.endsWith(":predict")) {
      throw RequestException.notFound(
          "unknown KServe V1 verb in '" + target + "'; use /v1/models/{name}:predict");
    }
    InferenceService service = named(target.substring(0, target.length() - ":predict".length()));
    BatchBody body =
        JsonIo.batchBody(
            ctx,
            runtime.config().maxBodyBytes(),
            runtime.config().bodyTiming(),
            service.rows(),
            "instances",
            false);
    if (body.root() != BatchBody.Root.OBJECT) {
      throw RequestException.badInput(
          "request body must be an object like {\"instances\": [[...]]}");
    }
    InferenceService.Prediction[] predictions =
        service.predict(body.rows(service.rows(), "'instances'"));
    JsonIo.send(ctx, 200, PredictionJson.batchAnswer(service, predictions, false));
  }

  private InferenceService named(String name) {
    InferenceService service = runtime.require();
    if (!service.manifest().name().equals(name)) {
      throw RequestException.notFound(
          "model '"
              + name
              + "' is not served here (this runtime serves '"
              + service.manifest().name()
              + "')");
    }
    return service;
  }
}
