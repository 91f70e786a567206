package io.modelship.runtime.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.stub.StreamObserver;
import io.modelship.runtime.grpc.v2.GRPCInferenceServiceGrpc;
import io.modelship.runtime.grpc.v2.InferTensorContents;
import io.modelship.runtime.grpc.v2.ModelInferRequest;
import io.modelship.runtime.grpc.v2.ModelInferResponse;
import io.modelship.runtime.grpc.v2.ModelMetadataRequest;
import io.modelship.runtime.grpc.v2.ModelMetadataResponse;
import io.modelship.runtime.grpc.v2.ModelReadyRequest;
import io.modelship.runtime.grpc.v2.ModelReadyResponse;
import io.modelship.runtime.grpc.v2.ServerLiveRequest;
import io.modelship.runtime.grpc.v2.ServerLiveResponse;
import io.modelship.runtime.grpc.v2.ServerMetadataRequest;
import io.modelship.runtime.grpc.v2.ServerMetadataResponse;
import io.modelship.runtime.grpc.v2.ServerReadyRequest;
import io.modelship.runtime.grpc.v2.ServerReadyResponse;
import io.modelship.runtime.http.AccessGate;
import io.modelship.runtime.inference.InferenceService;
import io.modelship.runtime.inference.ModelRuntime;
import io.modelship.runtime.inference.RequestException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code inference.GRPCInferenceService} over the runtime's model: the REST Open Inference
 * Protocol's answers (same names, shapes, labels, messages) in the protocol's protobuf messages.
 * Every call is timed and counted under its own name ({@code grpc_model_infer}, …) with the HTTP
 * status REST would have answered, so request metrics, error counts, the dashboard and runtime
 * reports see gRPC traffic as they see REST's; predictions go through the same {@link
 * InferenceService#predict}, so drift, prediction counts, the cache and the prediction log see them
 * too. ServerLive and ServerReady need no token (as {@code /v2/health/*}); everything else needs
 * {@code authorization: Bearer …} when a token is set, and counts against the rate limit.
 */
final class InferenceGrpcService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

  private static final Logger LOG = LoggerFactory.getLogger(InferenceGrpcService.class);
  static final String LABEL_OUTPUT = "label";
  static final String PROBABILITIES_OUTPUT = "probabilities";
  static final String VALUE_OUTPUT = "prediction";
  static final String INPUT_NAME = "input-0";
  static final String SERVER_NAME = "modelship-serving-runtime";
  static final String SERVER_VERSION = "0.1.0";

  private final ModelRuntime runtime;
  private final AccessGate access;

  /**
   * Rows from which a ModelInfer runs on the pool of call threads rather than on its event loop.
   */
  static final int POOLED_ROWS = 64;

  private final AtomicInteger inFlight;
  private final java.util.concurrent.Executor batches;

  InferenceGrpcService(
      ModelRuntime runtime,
      AccessGate access,
      AtomicInteger inFlight,
      java.util.concurrent.Executor batches) {
    this.runtime = runtime;
    this.access = access;
    this.inFlight = inFlight;
    this.batches = batches;
  }

  @Override
  public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
    call(
        "grpc_server_live",
        false,
        false,
        out,
        () -> ServerLiveResponse.newBuilder().setLive(true).build());
  }

  @Override
  public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> out) {
    call(
        "grpc_server_ready",
        false,
        false,
        out,
        () -> ServerReadyResponse.newBuilder().setReady(runtime.ready()).build());
  }

  @Override
  public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
    call(
        "grpc_model_ready",
        true,
        false,
        out,
        () -> {
          resolve(request.getName(), request.getVersion());
          return ModelReadyResponse.newBuilder().setReady(runtime.ready()).build();
        });
  }

  @Override
  public void serverMetadata(
      ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> out) {
    call(
        "grpc_server_metadata",
        true,
        false,
        out,
        () ->
            ServerMetadataResponse.newBuilder()
                .setName(SERVER_NAME)
                .setVersion(SERVER_VERSION)
                .build());
  }

  @Override
  public void modelMetadata(
      ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
    call(
        "grpc_model_metadata",
        true,
        false,
        out,
        () -> {
          InferenceService service = resolve(request.getName(), request.getVersion());
          ModelMetadataResponse.Builder b =
              ModelMetadataResponse.newBuilder()
                  .setName(service.manifest().name())
                  .addVersions(service.manifest().version())
                  .setPlatform(service.manifest().format())
                  .addInputs(tensor(INPUT_NAME, "FP64", -1, service.rows().width()));
          if (service.regression()) {
            b.addOutputs(tensor(VALUE_OUTPUT, "FP64", -1));
          } else {
            b.addOutputs(tensor(LABEL_OUTPUT, "BYTES", -1));
            b.addOutputs(tensor(PROBABILITIES_OUTPUT, "FP64", -1, service.labels().size()));
          }
          return b.build();
        });
  }

  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
    if (elements(request) >= POOLED_ROWS * Math.max(1, widthOrZero())) {
      batches.execute(() -> call("grpc_model_infer", true, true, out, () -> infer(request)));
    } else {
      call("grpc_model_infer", true, true, out, () -> infer(request));
    }
  }

  /** How many values the request's input tensors declare (0 when a shape is unreadable). */
  private static long elements(ModelInferRequest request) {
    long total = 0;
    for (ModelInferRequest.InferInputTensor input : request.getInputsList()) {
      long n = 1;
      for (long d : input.getShapeList()) {
        if (d < 0 || d > Integer.MAX_VALUE) {
          return 0;
        }
        n *= d;
        if (n > Integer.MAX_VALUE) {
          return Integer.MAX_VALUE;
        }
      }
      total += Math.min(n, Integer.MAX_VALUE);
    }
    return total;
  }

  private int widthOrZero() {
    InferenceService service = runtime.serviceOrNull();
    return service == null ? 0 : service.rows().width();
  }

  private ModelInferResponse infer(ModelInferRequest request) {
    InferenceService service = resolve(request.getModelName(), request.getModelVersion());
    double[][] rows = GrpcTensors.rows(service.rows(), request);
    Set<String> wanted = requestedOutputs(request, service.regression());
    // ModelInferResponse has no field for request ids: none is written or signed.
    InferenceService.Prediction[] predictions = service.predictWithoutIds(rows);
    return answer(service, request, wanted, predictions);
  }

  /**
   * The response to a ModelInfer whose rows were predicted: the wanted outputs, raw if the inputs
   * were.
   */
  static ModelInferResponse answer(
      InferenceService service,
      ModelInferRequest request,
      Set<String> wanted,
      InferenceService.Prediction[] predictions) {
    boolean raw = request.getRawInputContentsCount() > 0;
    int n = predictions.length;
    ModelInferResponse.Builder b =
        ModelInferResponse.newBuilder()
            .setModelName(service.manifest().name())
            .setModelVersion(service.manifest().version())
            .setId(request.getId());
    if (service.regression()) {
      if (wanted.contains(VALUE_OUTPUT)) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
          values[i] = predictions[i].value();
        }
        fp64(b, VALUE_OUTPUT, values, raw, n);
      }
      return b.build();
    }
    List<String> labels = service.labels();
    if (wanted.contains(LABEL_OUTPUT)) {
      ModelInferResponse.InferOutputTensor.Builder t =
          ModelInferResponse.InferOutputTensor.newBuilder()
              .setName(LABEL_OUTPUT)
              .setDatatype("BYTES")
              .addShape(n);
      ByteString[] encoded = new ByteString[labels.size()];
      for (int k = 0; k < encoded.length; k++) {
        encoded[k] = ByteString.copyFromUtf8(labels.get(k));
      }
      if (raw) {
        // Raw BYTES: each element a 4-byte little-endian length, then its bytes.
        int size = 0;
        for (InferenceService.Prediction p : predictions) {
          size += 4 + encoded[p.classIndex()].size();
        }
        ByteBuffer buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (InferenceService.Prediction p : predictions) {
          ByteString s = encoded[p.classIndex()];
          buffer.putInt(s.size());
          s.copyTo(buffer);
        }
        b.addOutputs(t);
        b.addRawOutputContents(UnsafeByteOperations.unsafeWrap(buffer.array()));
      } else {
        InferTensorContents.Builder c = InferTensorContents.newBuilder();
        for (InferenceService.Prediction p : predictions) {
          c.addBytesContents(encoded[p.classIndex()]);
        }
        b.addOutputs(t.setContents(c));
      }
    }
    if (wanted.contains(PROBABILITIES_OUTPUT)) {
      int k = labels.size();
      double[] flat = new double[n * k];
      for (int i = 0; i < n; i++) {
        System.arraycopy(predictions[i].probabilities(), 0, flat, i * k, k);
      }
      fp64(b, PROBABILITIES_OUTPUT, flat, raw, n, k);
    }
    return b.build();
  }

  private static void fp64(
      ModelInferResponse.Builder b, String name, double[] values, boolean raw, long... shape) {
    ModelInferResponse.InferOutputTensor.Builder t =
        ModelInferResponse.InferOutputTensor.newBuilder().setName(name).setDatatype("FP64");
    for (long d : shape) {
      t.addShape(d);
    }
    if (raw) {
      ByteBuffer buffer =
          ByteBuffer.allocate(values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      buffer.asDoubleBuffer().put(values);
      b.addOutputs(t);
      b.addRawOutputContents(UnsafeByteOperations.unsafeWrap(buffer.array()));
    } else {
      InferTensorContents.Builder c = InferTensorContents.newBuilder();
      for (double v : values) {
        c.addFp64Contents(v);
      }
      b.addOutputs(t.setContents(c));
    }
  }

  private static ModelMetadataResponse.TensorMetadata tensor(
      String name, String datatype, long... shape) {
    ModelMetadataResponse.TensorMetadata.Builder t =
        ModelMetadataResponse.TensorMetadata.newBuilder().setName(name).setDatatype(datatype);
    for (long d : shape) {
      t.addShape(d);
    }
    return t.build();
  }

  static Set<String> requestedOutputs(ModelInferRequest request, boolean regression) {
    Set<String> known =
        regression ? Set.of(VALUE_OUTPUT) : Set.of(LABEL_OUTPUT, PROBABILITIES_OUTPUT);
    if (request.getOutputsCount() == 0) {
      return known;
    }
    Set<String> names = new HashSet<>();
    for (ModelInferRequest.InferRequestedOutputTensor o : request.getOutputsList()) {
      if (!known.contains(o.getName())) {
        throw RequestException.badInput(
            "unknown output '"
                + o.getName()
                + "'; this model has "
                + (regression
                    ? "'" + VALUE_OUTPUT + "'"
                    : "'" + LABEL_OUTPUT + "' and '" + PROBABILITIES_OUTPUT + "'"));
      }
      names.add(o.getName());
    }
    return names;
  }

  /**
   * The served model when the request names it (and its version, if any), as REST's {@code
   * /v2/models/{name}}.
   */
  private InferenceService resolve(String name, String version) {
    InferenceService service = runtime.require();
    if (!service.manifest().name().equals(name)) {
      throw RequestException.notFound(
          "model '"
              + name
              + "' is not served here (this runtime serves '"
              + service.manifest().name()
              + "')");
    }
    if (!version.isEmpty() && !version.equals(service.manifest().version())) {
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

  /**
   * Runs one call: checks the token and rate limit (unless {@code open}), answers or maps the
   * failure to its status ({@link GrpcStatuses}), and records it like a REST request.
   */
  private <T> void call(
      String name, boolean guarded, boolean traffic, StreamObserver<T> out, Supplier<T> answer) {
    long start = System.nanoTime();
    inFlight.incrementAndGet();
    int status = 200;
    try {
      if (guarded) {
        access.admit(GrpcServer.AUTHORIZATION_VALUE.get());
      }
      T response = answer.get();
      out.onNext(response);
      out.onCompleted();
    } catch (RuntimeException e) {
      status = GrpcStatuses.httpStatusOf(e);
      String message =
          status == 500 ? "internal error: " + e.getClass().getSimpleName() : e.getMessage();
      if (status == 500) {
        LOG.error("error serving gRPC {}", name, e);
      }
      out.onError(GrpcStatuses.of(status, message).asRuntimeException());
    } finally {
      inFlight.decrementAndGet();
      runtime.metrics().record(name, status, System.nanoTime() - start, traffic);
    }
  }
}
