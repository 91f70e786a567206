// A grpc-java client of the Open Inference Protocol, run by local-mode tests with the JDK's source
// launcher against the serving-runtime jar (which carries grpc-java and the generated stubs), so the
// local module needs no gRPC dependency of its own:
//
//   java -cp serving-runtime/target/serving-runtime.jar local/src/test/grpc/GrpcInfer.java \
//       127.0.0.1:PORT MODEL 5.1 3.5 1.4 0.2
//
// Prints "ready true|false", then "answer MODEL VERSION LABEL", or "status CODE: DESCRIPTION" when a
// call fails.
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.modelship.runtime.grpc.v2.GRPCInferenceServiceGrpc;
import io.modelship.runtime.grpc.v2.InferTensorContents;
import io.modelship.runtime.grpc.v2.ModelInferRequest;
import io.modelship.runtime.grpc.v2.ModelInferResponse;
import io.modelship.runtime.grpc.v2.ServerReadyRequest;
import java.util.concurrent.TimeUnit;

public class GrpcInfer {

    public static void main(String[] args) throws Exception {
        String[] target = args[0].split(":");
        ManagedChannel channel = NettyChannelBuilder.forAddress(target[0], Integer.parseInt(target[1])).usePlaintext()
                .build();
        try {
            var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            System.out.println("ready " + stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
            InferTensorContents.Builder values = InferTensorContents.newBuilder();
            for (int i = 2; i < args.length; i++) {
                values.addFp64Contents(Double.parseDouble(args[i]));
            }
            ModelInferResponse response = stub.modelInfer(ModelInferRequest.newBuilder().setModelName(args[1])
                    .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("input-0").setDatatype("FP64")
                            .addShape(1).addShape(args.length - 2).setContents(values))
                    .build());
            String label = response.getOutputsList().stream().filter(o -> o.getName().equals("label"))
                    .map(o -> o.getContents().getBytesContents(0).toStringUtf8()).findFirst().orElse("?");
            System.out.println("answer " + response.getModelName() + " " + response.getModelVersion() + " " + label);
        } catch (StatusRuntimeException e) {
            System.out.println("status " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
