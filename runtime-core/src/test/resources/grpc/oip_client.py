#!/usr/bin/python3
"""A Python Open Inference Protocol gRPC client, for GrpcPythonClientTest: stubs generated now from
runtime-core's .proto by grpc_tools (Debian's python3-grpc-tools), calls made with grpcio (Debian's
python3-grpcio). Prints one JSON object with what it saw.

    oip_client.py PROTO_DIR HOST:PORT TOKEN
"""
import json
import os
import struct
import sys
import tempfile

import grpc
from grpc_tools import protoc


def main():
    proto_dir, target, token = sys.argv[1], sys.argv[2], sys.argv[3]
    out = tempfile.mkdtemp(prefix="oip-stubs-")
    rc = protoc.main(["protoc", "-I" + proto_dir, "--python_out=" + out, "--grpc_python_out=" + out,
                      os.path.join(proto_dir, "grpc_predict_v2.proto")])
    if rc != 0:
        raise SystemExit("protoc failed: %d" % rc)
    sys.path.insert(0, out)
    import grpc_predict_v2_pb2 as pb
    import grpc_predict_v2_pb2_grpc as pbg

    seen = {}
    with grpc.insecure_channel(target) as channel:
        stub = pbg.GRPCInferenceServiceStub(channel)
        auth = [("authorization", "Bearer " + token)]
        seen["live"] = stub.ServerLive(pb.ServerLiveRequest()).live
        seen["ready"] = stub.ServerReady(pb.ServerReadyRequest()).ready
        meta = stub.ModelMetadata(pb.ModelMetadataRequest(name="iris"), metadata=auth)
        seen["metadata"] = {"name": meta.name, "versions": list(meta.versions), "platform": meta.platform,
                            "inputs": [[t.name, t.datatype, list(t.shape)] for t in meta.inputs],
                            "outputs": [[t.name, t.datatype, list(t.shape)] for t in meta.outputs]}
        rows = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]
        typed = pb.ModelInferRequest(model_name="iris", id="py-1")
        tensor = typed.inputs.add(name="input-0", datatype="FP64", shape=[2, 4])
        tensor.contents.fp64_contents.extend([v for r in rows for v in r])
        answer = stub.ModelInfer(typed, metadata=auth)
        seen["typed"] = {"id": answer.id, "model": answer.model_name,
                         "labels": [b.decode() for b in answer.outputs[0].contents.bytes_contents],
                         "probabilities": list(answer.outputs[1].contents.fp64_contents),
                         "shape": list(answer.outputs[1].shape)}
        raw = pb.ModelInferRequest(model_name="iris")
        raw.inputs.add(name="input-0", datatype="FP32", shape=[2, 4])
        raw.raw_input_contents.append(struct.pack("<8f", *[v for r in rows for v in r]))
        answer = stub.ModelInfer(raw, metadata=auth)
        labels, data, at = [], answer.raw_output_contents[0], 0
        while at < len(data):
            (n,) = struct.unpack_from("<I", data, at)
            labels.append(data[at + 4:at + 4 + n].decode())
            at += 4 + n
        probabilities = struct.unpack("<6d", answer.raw_output_contents[1])
        seen["raw"] = {"labels": labels, "probabilities": list(probabilities)}
        for name, call in [("no_token", lambda: stub.ModelInfer(typed)),
                           ("wrong_width", lambda: stub.ModelInfer(bad_width(pb), metadata=auth))]:
            try:
                call()
                seen[name] = {"code": "OK"}
            except grpc.RpcError as e:
                seen[name] = {"code": e.code().name, "details": e.details()}
    print(json.dumps(seen))


def bad_width(pb):
    request = pb.ModelInferRequest(model_name="iris")
    tensor = request.inputs.add(name="input-0", datatype="FP64", shape=[1, 3])
    tensor.contents.fp64_contents.extend([1.0, 2.0, 3.0])
    return request


if __name__ == "__main__":
    main()
