package io.modelship.runtime.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.modelship.drift.DriftReport;
import io.modelship.runtime.inference.InferenceService;
import io.modelship.runtime.inference.ModelRuntime;
import io.modelship.runtime.inference.RequestException;
import io.modelship.runtime.monitoring.FeedbackResult;
import io.modelship.runtime.monitoring.RequestMetrics;
import io.modelship.runtime.monitoring.ValueFeedback;
import io.modelship.runtime.sink.LabelForwarder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the runtime knows about its model in production: {@code /model_info}, {@code /drift}, {@code
 * /feedback} and {@code /metrics}.
 */
public final class MonitoringController {

  private final ModelRuntime runtime;

  public MonitoringController(ModelRuntime runtime) {
    this.runtime = runtime;
  }

  public void modelInfo(Context ctx) {
    InferenceService service = runtime.require();
    RequestMetrics metrics = runtime.metrics();
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("uptimeSeconds", runtime.uptimeSeconds());
    stats.put("requests", metrics.totalRequests());
    stats.put("errors", metrics.errorResponses());
    stats.put("latencyMs", metrics.latency());
    stats.put("latencyHistogram", latencyHistogram(metrics.latencyCounts()));
    stats.putAll(PredictionJson.statistics(service));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", service.manifest().withoutReference());
    out.put("status", runtime.ready() ? "READY" : "NOT_READY");
    out.put("statistics", stats);
    JsonIo.ok(ctx, out);
  }

  public void drift(Context ctx) {
    InferenceService service = runtime.require();
    DriftReport report = service.driftReport();
    if (report == null) {
      throw RequestException.conflict(
          runtime.config().monitoring()
              ? "the model package has no reference distributions, so drift cannot be measured"
              : "monitoring is disabled (MONITORING_ENABLED=false)");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("score", report.score());
    out.put("status", report.status());
    out.put("samples", report.samples());
    out.put("windowSize", runtime.config().driftWindowSize());
    out.put("minSamples", runtime.config().driftMinSamples());
    out.put("method", runtime.config().driftMethod().label());
    out.put(
        "thresholds",
        Map.of(
            "warning",
            runtime.config().driftWarning(),
            "threshold",
            runtime.config().driftThreshold()));
    out.put("features", PredictionJson.featureDrift(report.features()));
    out.put("prediction", PredictionJson.featureDrift(report.prediction()));
    JsonIo.ok(ctx, out);
  }

  /**
   * Ground truth for an earlier prediction: {@code {"request_id": "…", "label": "…"}}, or for a
   * regressor {@code {"request_id": "…", "value": 12.5}}.
   */
  public void feedback(Context ctx) {
    InferenceService service = runtime.require();
    JsonNode body =
        JsonIo.body(
            ctx, runtime.config().maxBodyBytes(), runtime.config().bodyTiming(), JsonLimits.SMALL);
    String id = text(body, "request_id");
    if (service.regression()) {
      feedbackValue(ctx, service, id, body.get("value"));
      return;
    }
    String label =
        text(
            body,
            body.hasNonNull("ground_truth") && !body.hasNonNull("label")
                ? "ground_truth"
                : "label");
    if (!service.labels().contains(label)) {
      throw RequestException.badInput(
          "label '" + label + "' is not one of the model's labels " + service.labels());
    }
    FeedbackResult result = service.feedback(id, label);
    if (result == null) {
      throw RequestException.conflict(
          "monitoring is disabled (MONITORING_ENABLED=false), feedback is not recorded");
    }
    if (!result.known()) {
      throw RequestException.notFound("unknown or expired request_id '" + id + "'");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("request_id", id);
    out.put("outcome", result.outcome());
    out.put("predicted", service.labels().get(result.predictedClass()));
    out.put("correct", result.correct());
    out.put("accuracy", service.accuracy());
    JsonIo.ok(ctx, out);
  }

  /**
   * Labels another replica of this deployment received for rows predicted here ({@link
   * LabelForwarder}): {@code {"labels": [{"request_id": "…", "label": "…"} | {"request_id": "…",
   * "value": 1.5}, …]}}, signed with the deployment's key. The rows are kept for retraining, not
   * scored again (the replica that received them did). Answers how many were kept, how many had
   * been forgotten and how many were refused.
   */
  public void forwardedLabels(Context ctx) {
    String key = runtime.config().feedbackSigningKey();
    if (key == null) {
      throw RequestException.notFound(
          "labels from other replicas need FEEDBACK_SIGNING_KEY; this pod has none");
    }
    InferenceService service = runtime.require();
    String signature = ctx.header(LabelForwarder.SIGNATURE_HEADER);
    JsonNode body =
        JsonIo.signedBody(
            ctx,
            // open without the bearer token (the signature is checked once the body is in): no
            // more than a full batch of labels needs
            Math.min(runtime.config().maxBodyBytes(), LabelForwarder.MAX_BODY_BYTES),
            runtime.config().bodyTiming(),
            JsonLimits.forLabels(LabelForwarder.BATCH),
            bytes -> LabelForwarder.verify(key, bytes, signature));
    JsonNode labels = body.get("labels");
    if (labels == null || !labels.isArray()) {
      throw RequestException.badInput("'labels' must be a list");
    }
    Map<InferenceService.Handover, Integer> outcomes =
        new java.util.EnumMap<>(InferenceService.Handover.class);
    for (JsonNode item : labels) {
      JsonNode id = item.get("request_id");
      JsonNode label = item.get("label");
      JsonNode value = item.get("value");
      InferenceService.Handover outcome =
          id == null || !id.isTextual()
              ? InferenceService.Handover.REFUSED
              : service.keepHandedOver(
                  id.asText(),
                  label != null && label.isTextual() ? label.asText() : null,
                  value != null && value.isNumber() ? value.asDouble() : null);
      outcomes.merge(outcome, 1, Integer::sum);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kept", outcomes.getOrDefault(InferenceService.Handover.KEPT, 0));
    out.put("notRemembered", outcomes.getOrDefault(InferenceService.Handover.NOT_REMEMBERED, 0));
    out.put("duplicate", outcomes.getOrDefault(InferenceService.Handover.DUPLICATE, 0));
    out.put("refused", outcomes.getOrDefault(InferenceService.Handover.REFUSED, 0));
    JsonIo.ok(ctx, out);
  }

  private void feedbackValue(Context ctx, InferenceService service, String id, JsonNode value) {
    if (value == null || !value.isNumber() || !Double.isFinite(value.asDouble())) {
      throw RequestException.badInput(
          "'value' is required and must be a finite number (this model is a regressor)");
    }
    ValueFeedback result = service.feedbackValue(id, value.asDouble());
    if (result == null) {
      throw RequestException.conflict(
          "monitoring is disabled (MONITORING_ENABLED=false), feedback is not recorded");
    }
    if (!result.known()) {
      throw RequestException.notFound("unknown or expired request_id '" + id + "'");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("request_id", id);
    out.put("outcome", result.outcome());
    out.put("predicted", result.predicted());
    out.put("error", result.error());
    out.put("errors", service.errors());
    JsonIo.ok(ctx, out);
  }

  public void metrics(Context ctx) {
    InferenceService service = runtime.serviceOrNull();
    if (service != null) {
      service.driftReport();
    }
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(runtime.metrics().scrape());
  }

  /**
   * Prediction requests since start per latency bucket (the buckets the reports use), from the
   * first to the last non-empty one: {@code upperMs} is each bucket's upper bound (null for the
   * open-ended last), {@code counts} the requests in it.
   */
  static Map<String, Object> latencyHistogram(long[] counts) {
    int first = 0;
    while (first < counts.length && counts[first] == 0) {
      first++;
    }
    int last = counts.length - 1;
    while (last >= first && counts[last] == 0) {
      last--;
    }
    var upper = new java.util.ArrayList<Double>();
    var kept = new java.util.ArrayList<Long>();
    for (int i = first; i <= last; i++) {
      double bound = io.modelship.api.v1alpha1.report.LatencyBuckets.upperBound(i);
      upper.add(Double.isInfinite(bound) ? null : bound);
      kept.add(counts[i]);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(
        "lowerMs",
        first == 0 || first > last
            ? 0.0
            : io.modelship.api.v1alpha1.report.LatencyBuckets.upperBound(first - 1));
    out.put("upperMs", upper);
    out.put("counts", kept);
    return out;
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull() || !value.isValueNode() || value.asText().isBlank()) {
      throw RequestException.badInput("'" + field + "' is required");
    }
    return value.asText();
  }
}
