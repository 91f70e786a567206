package io.modelship.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.modelship.runtime.grpc.GrpcServer;
import io.modelship.runtime.grpc.v2.GRPCInferenceServiceGrpc;
import io.modelship.runtime.grpc.v2.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import io.modelship.runtime.grpc.v2.InferTensorContents;
import io.modelship.runtime.grpc.v2.ModelInferRequest;
import io.modelship.runtime.grpc.v2.ModelInferResponse;
import io.modelship.runtime.grpc.v2.ModelMetadataRequest;
import io.modelship.runtime.grpc.v2.ModelMetadataResponse;
import io.modelship.runtime.grpc.v2.ModelReadyRequest;
import io.modelship.runtime.grpc.v2.ServerLiveRequest;
import io.modelship.runtime.grpc.v2.ServerMetadataRequest;
import io.modelship.runtime.grpc.v2.ServerReadyRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Open Inference Protocol over gRPC with grpc-java's own client: the answers REST gives, the
 * same refusals with their gRPC codes, the token as {@code authorization} metadata, the rate and
 * message-size limits, and the same monitoring.
 */
class GrpcInferenceTest extends ServingAppTest {

  private static final double[] SETOSA = {5.1, 3.5, 1.4, 0.2};
  private static final double[] VIRGINICA = {6.7, 3.0, 5.2, 2.3};

  private static GrpcServer grpc;
  private static ManagedChannel channel;

  @BeforeAll
  static void startGrpc() {
    grpc = GrpcServer.start(app, "127.0.0.1", 0);
    channel = channel(grpc);
  }

  @AfterAll
  static void stopGrpc() {
    channel.shutdownNow();
    grpc.close();
  }

  static ManagedChannel channel(GrpcServer server) {
    return NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  private static GRPCInferenceServiceBlockingStub stub() {
    return GRPCInferenceServiceGrpc.newBlockingStub(channel);
  }

  @Test
  void healthReadinessAndMetadataAnswerAsRestDoes() {
    assertThat(stub().serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
    assertThat(stub().serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
    assertThat(stub().modelReady(ModelReadyRequest.newBuilder().setName("iris").build()).getReady())
        .isTrue();
    assertThat(stub().serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName())
        .isEqualTo("modelship-serving-runtime");
    ModelMetadataResponse meta =
        stub().modelMetadata(ModelMetadataRequest.newBuilder().setName("iris").build());
    assertThat(meta.getVersionsList()).containsExactly("1.0.0");
    assertThat(meta.getInputs(0).getDatatype()).isEqualTo("FP64");
    assertThat(meta.getInputs(0).getShapeList()).containsExactly(-1L, 4L);
    assertThat(meta.getOutputsList())
        .extracting(ModelMetadataResponse.TensorMetadata::getName)
        .containsExactly("label", "probabilities");
    assertThat(meta.getOutputs(1).getShapeList()).containsExactly(-1L, 3L);
    assertCode(
        () ->
            stub()
                .modelMetadata(
                    ModelMetadataRequest.newBuilder().setName("iris").setVersion("9.9.9").build()),
        Status.Code.NOT_FOUND,
        "no version '9.9.9'");
  }

  @Test
  void typedContentsPredictWhatRestPredicts() {
    ModelInferResponse out =
        stub().modelInfer(fp64(List.of(SETOSA, VIRGINICA)).setId("req-1").build());
    assertThat(out.getModelName()).isEqualTo("iris");
    assertThat(out.getModelVersion()).isEqualTo("1.0.0");
    assertThat(out.getId()).isEqualTo("req-1");
    assertThat(out.getOutputs(0).getName()).isEqualTo("label");
    assertThat(out.getOutputs(0).getContents().getBytesContentsList())
        .extracting(ByteString::toStringUtf8)
        .containsExactly("setosa", "virginica");
    assertThat(out.getOutputs(1).getShapeList()).containsExactly(2L, 3L);
    // The same rows over REST: the same probabilities.
    Reply rest =
        post("/predict_batch", "{\"instances\": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}");
    for (int i = 0; i < 2; i++) {
      for (int k = 0; k < 3; k++) {
        double viaRest =
            rest.json()
                .path("probabilities")
                .get(i)
                .path(List.of("setosa", "versicolor", "virginica").get(k))
                .asDouble();
        assertThat(out.getOutputs(1).getContents().getFp64Contents(i * 3 + k)).isEqualTo(viaRest);
      }
    }
    // One tensor per feature, FP32, and only the label asked for.
    ModelInferRequest.Builder perFeature =
        ModelInferRequest.newBuilder()
            .setModelName("iris")
            .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("label"));
    String[] names = {"sepal_length", "sepal_width", "petal_length", "petal_width"};
    for (int j = 0; j < 4; j++) {
      perFeature.addInputs(
          ModelInferRequest.InferInputTensor.newBuilder()
              .setName(names[j])
              .setDatatype("FP32")
              .addShape(1)
              .setContents(InferTensorContents.newBuilder().addFp32Contents((float) VIRGINICA[j])));
    }
    // A batch large enough to run on the pool of call threads rather than an event loop.
    double[][] hundred = new double[100][];
    for (int i = 0; i < hundred.length; i++) {
      hundred[i] = i % 2 == 0 ? SETOSA : VIRGINICA;
    }
    ModelInferResponse batch = stub().modelInfer(fp64(List.of(hundred)).build());
    assertThat(batch.getOutputs(0).getContents().getBytesContentsCount()).isEqualTo(100);
    assertThat(batch.getOutputs(0).getContents().getBytesContents(99).toStringUtf8())
        .isEqualTo("virginica");
    ModelInferResponse labelOnly = stub().modelInfer(perFeature.build());
    assertThat(labelOnly.getOutputsCount()).isEqualTo(1);
    assertThat(labelOnly.getOutputs(0).getContents().getBytesContents(0).toStringUtf8())
        .isEqualTo("virginica");
  }

  @Test
  void rawInputContentsGetRawOutputContents() {
    ByteBuffer raw = ByteBuffer.allocate(8 * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : SETOSA) {
      raw.putFloat((float) v);
    }
    for (double v : VIRGINICA) {
      raw.putFloat((float) v);
    }
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName("iris")
            .addInputs(
                ModelInferRequest.InferInputTensor.newBuilder()
                    .setName("input-0")
                    .setDatatype("FP32")
                    .addShape(2)
                    .addShape(4))
            .addRawInputContents(ByteString.copyFrom(raw.array()))
            .build();
    ModelInferResponse out = stub().modelInfer(request);
    assertThat(out.getOutputs(0).hasContents()).isFalse();
    assertThat(out.getRawOutputContentsCount()).isEqualTo(2);
    ByteBuffer labels =
        out.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    assertThat(bytesElement(labels)).isEqualTo("setosa");
    assertThat(bytesElement(labels)).isEqualTo("virginica");
    ByteBuffer probabilities =
        out.getRawOutputContents(1).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    assertThat(probabilities.remaining()).isEqualTo(2 * 3 * Double.BYTES);
    double sum = 0;
    for (int k = 0; k < 3; k++) {
      sum += probabilities.getDouble();
    }
    assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void badRequestsGetRestsMessagesWithGrpcCodes() {
    assertCode(
        () -> stub().modelInfer(fp64(List.of(new double[] {1, 2, 3})).build()),
        Status.Code.INVALID_ARGUMENT,
        "has shape [1, 3] but the model takes [rows, 4]");
    assertCode(
        () -> stub().modelInfer(fp64(List.of(SETOSA)).setModelName("cats").build()),
        Status.Code.NOT_FOUND,
        "model 'cats' is not served here (this runtime serves 'iris')");
    assertCode(
        () -> stub().modelInfer(fp64(List.of(new double[] {Double.NaN, 1, 1, 1})).build()),
        Status.Code.INVALID_ARGUMENT,
        "must be a finite number, got NaN");
    assertCode(
        () -> stub().modelInfer(ModelInferRequest.newBuilder().setModelName("iris").build()),
        Status.Code.INVALID_ARGUMENT,
        "'inputs' must be a non-empty list of tensors");
    assertCode(
        () ->
            stub()
                .modelInfer(
                    ModelInferRequest.newBuilder()
                        .setModelName("iris")
                        .addInputs(
                            ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("input-0")
                                .setDatatype("INT8")
                                .addShape(4)
                                .setContents(
                                    InferTensorContents.newBuilder()
                                        .addIntContents(5)
                                        .addIntContents(3)
                                        .addIntContents(1)
                                        .addIntContents(300)))
                        .build()),
        Status.Code.INVALID_ARGUMENT,
        "value 3 (300) is outside INT8's range -128..127");
    assertCode(
        () ->
            stub()
                .modelInfer(
                    ModelInferRequest.newBuilder()
                        .setModelName("iris")
                        .addInputs(
                            ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("input-0")
                                .setDatatype("BYTES")
                                .addShape(1))
                        .build()),
        Status.Code.INVALID_ARGUMENT,
        "unsupported datatype 'BYTES'");
    assertCode(
        () ->
            stub()
                .modelInfer(
                    fp64(List.of(SETOSA))
                        .addOutputs(
                            ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                                .setName("logits"))
                        .build()),
        Status.Code.INVALID_ARGUMENT,
        "unknown output 'logits'");
    assertCode(
        () ->
            stub()
                .modelInfer(
                    ModelInferRequest.newBuilder()
                        .setModelName("iris")
                        .addInputs(
                            ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("input-0")
                                .setDatatype("FP64")
                                .addShape(2)
                                .addShape(4))
                        .addRawInputContents(ByteString.copyFrom(new byte[8 * 7]))
                        .build()),
        Status.Code.INVALID_ARGUMENT,
        "(8 values of 8 bytes) but its raw_input_contents hold 56 bytes");
  }

  @Test
  void callsAreMonitoredAsRestRequestsAre() {
    var service = app.runtime().require();
    long before = service.counts().rows();
    long[] perClassBefore = service.counts().perClass();
    long driftBefore = service.driftMonitor().recordedRows();
    stub().modelInfer(fp64(List.of(SETOSA, VIRGINICA, SETOSA)).build());
    assertThat(service.counts().rows()).isEqualTo(before + 3);
    long[] perClass = service.counts().perClass();
    assertThat(
            perClass[service.labels().indexOf("setosa")]
                - perClassBefore[service.labels().indexOf("setosa")])
        .isEqualTo(2);
    assertThat(
            perClass[service.labels().indexOf("virginica")]
                - perClassBefore[service.labels().indexOf("virginica")])
        .isEqualTo(1);
    assertThat(service.driftMonitor().recordedRows())
        .as("the drift window sees gRPC's rows")
        .isEqualTo(driftBefore + 3);
    assertThatThrownBy(() -> stub().modelInfer(fp64(List.of(new double[] {1})).build()));
    String metrics = get("/metrics").body();
    assertThat(metrics)
        .containsPattern(
            "modelship_requests_total\\{endpoint=\"grpc_model_infer\",model=\"iris\",status=\"200\",version=\"1.0.0\"\\} [1-9]")
        .containsPattern(
            "modelship_requests_total\\{endpoint=\"grpc_model_infer\",model=\"iris\",status=\"400\",version=\"1.0.0\"\\} [1-9]");
  }

  @Test
  void theTokenRateLimitAndBodyLimitHoldAsOverRest() {
    ServingApp secured =
        start(
            Map.of(
                "AUTH_TOKEN",
                "s3cret",
                "MAX_BODY_BYTES",
                "4096",
                "MAX_BATCH_ROWS",
                "50",
                "SHUTDOWN_DELAY_SECONDS",
                "0"));
    GrpcServer server = GrpcServer.start(secured, "127.0.0.1", 0);
    ManagedChannel ch = channel(server);
    try {
      GRPCInferenceServiceBlockingStub anonymous = GRPCInferenceServiceGrpc.newBlockingStub(ch);
      assertThat(anonymous.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
      assertThat(anonymous.serverReady(ServerReadyRequest.getDefaultInstance()).getReady())
          .isTrue();
      assertCode(
          () -> anonymous.modelInfer(fp64(List.of(SETOSA)).build()),
          Status.Code.UNAUTHENTICATED,
          "missing bearer token");
      assertCode(
          () ->
              withToken(anonymous, "Bearer nope")
                  .modelMetadata(ModelMetadataRequest.newBuilder().setName("iris").build()),
          Status.Code.UNAUTHENTICATED,
          "invalid bearer token");
      GRPCInferenceServiceBlockingStub authorised = withToken(anonymous, "Bearer s3cret");
      assertThat(
              authorised
                  .modelInfer(fp64(List.of(SETOSA)).build())
                  .getOutputs(0)
                  .getContents()
                  .getBytesContents(0)
                  .toStringUtf8())
          .isEqualTo("setosa");
      double[][] many = new double[60][];
      java.util.Arrays.fill(many, SETOSA);
      assertCode(
          () -> authorised.modelInfer(fp64(List.of(many)).build()),
          Status.Code.RESOURCE_EXHAUSTED,
          "has 60 rows, over the limit of 50");
      double[][] big = new double[200][];
      java.util.Arrays.fill(big, SETOSA);
      assertCode(
          () -> authorised.modelInfer(fp64(List.of(big)).build()),
          Status.Code.RESOURCE_EXHAUSTED,
          "4096");
    } finally {
      ch.shutdownNow();
      secured.close();
    }
    ServingApp limited = start(Map.of("RATE_LIMIT_RPS", "1", "SHUTDOWN_DELAY_SECONDS", "0"));
    GrpcServer limitedServer = GrpcServer.start(limited, "127.0.0.1", 0);
    ManagedChannel lc = channel(limitedServer);
    try {
      GRPCInferenceServiceBlockingStub s = GRPCInferenceServiceGrpc.newBlockingStub(lc);
      s.modelInfer(fp64(List.of(SETOSA)).build());
      assertCode(
          () -> s.modelInfer(fp64(List.of(SETOSA)).build()),
          Status.Code.RESOURCE_EXHAUSTED,
          "rate limit of 1.0 requests per second exceeded");
    } finally {
      lc.shutdownNow();
      limited.close();
    }
  }

  @Test
  void readyWaitsForTheGrpcServerToListen() {
    ServingApp pod = start(Map.of());
    try {
      Runnable listening = pod.readyOnceStarted("the gRPC server");
      assertError(get(pod, "/ready"), 503, "the gRPC server is starting");
      assertThat(get(pod, "/v2/health/ready").status()).isEqualTo(503);
      GrpcServer.start(pod, "127.0.0.1", 0);
      listening.run();
      assertThat(get(pod, "/ready").status()).isEqualTo(200);
    } finally {
      pod.close();
    }
  }

  @Test
  void theGrpcPortFollowsTheEnvironment() {
    assertThat(GrpcServer.port(Map.of())).isEqualTo(8081);
    assertThat(GrpcServer.port(Map.of("PORT", "0")))
        .as("PORT 0 picks free ports for both")
        .isZero();
    assertThat(GrpcServer.port(Map.of("PORT", "0", "GRPC_PORT", "9000"))).isEqualTo(9000);
    assertThatThrownBy(() -> GrpcServer.port(Map.of("GRPC_PORT", "http")))
        .hasMessageContaining("GRPC_PORT must be a port number 0-65535, got 'http'");
  }

  static ModelInferRequest.Builder fp64(List<double[]> rows) {
    InferTensorContents.Builder c = InferTensorContents.newBuilder();
    for (double[] row : rows) {
      for (double v : row) {
        c.addFp64Contents(v);
      }
    }
    return ModelInferRequest.newBuilder()
        .setModelName("iris")
        .addInputs(
            ModelInferRequest.InferInputTensor.newBuilder()
                .setName("input-0")
                .setDatatype("FP64")
                .addShape(rows.size())
                .addShape(rows.getFirst().length)
                .setContents(c));
  }

  private static GRPCInferenceServiceBlockingStub withToken(
      GRPCInferenceServiceBlockingStub stub, String value) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), value);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static String bytesElement(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.getInt()];
    buffer.get(bytes);
    return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void assertCode(Runnable call, Status.Code code, String fragment) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
              assertThat(e.getStatus().getDescription()).contains(fragment);
            });
  }
}
