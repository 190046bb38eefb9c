"""linfa-serve through Python grpcio: start it on 127.0.0.1 --port 0, check its answers against
linfa-model-tool (C++ linfa::load + predict on the same file) through the seed's API,
linfa.serving.v1 and the Open Inference Protocol (typed and raw tensors), health, reflection,
an invalid request, and a clean exit on SIGTERM.
usage: python_client_test.py --server EXE --tool EXE --stubs DIR --work DIR"""
import argparse, random, signal, subprocess, sys

args = argparse.ArgumentParser()
for name in ("--server", "--tool", "--stubs", "--work"):
    args.add_argument(name, required=True)
opts = args.parse_args()
sys.path.insert(0, opts.stubs)
import array
import grpc
import grpc_predict_v2_pb2 as oip, grpc_predict_v2_pb2_grpc as oipg
import centroids_pb2 as pb, centroids_pb2_grpc as pbg
import linfa_serving_pb2 as lpb, linfa_serving_pb2_grpc as lpbg
import health_pb2, health_pb2_grpc

model = f"{opts.work}/python_client_model.linfa"
subprocess.run([opts.tool, "train", model, "--clusters", "100", "--features", "2", "--scalar", "f32"], check=True)
rng = random.Random(5)
points = [[rng.uniform(-60, 60), rng.uniform(-60, 60)] for _ in range(300)]
reference = subprocess.run([opts.tool, "predict", model], input="\n".join(f"{x} {y}" for x, y in points),
                           capture_output=True, text=True, check=True).stdout.split()
expected = [int(v) for v in reference]

server = subprocess.Popen([opts.server, "--model", model, "--host", "127.0.0.1", "--port", "0"],
                          stdout=subprocess.PIPE, text=True)
try:
    line = server.stdout.readline()
    assert line.startswith("listening on "), f"unexpected first line: {line!r}"
    channel = grpc.insecure_channel(line.split()[-1])
    seed = pbg.ClusteringServiceStub(channel)
    got = [seed.Predict(pb.PredictRequest(features=p), timeout=10).cluster_index for p in points]
    assert got == expected, "ml.ClusteringService/Predict differs from linfa"
    flat = [v for p in points for v in p]
    packed = lpbg.ModelServiceStub(channel).Predict(lpb.PredictRequest(n_rows=len(points), f32=flat), timeout=10)
    assert list(packed.labels) == expected, "linfa.serving.v1 Predict differs from linfa"
    infer = oipg.GRPCInferenceServiceStub(channel)
    tensor = oip.ModelInferRequest.InferInputTensor(name="input", datatype="FP32", shape=[len(points), 2],
                                                    contents=oip.InferTensorContents(fp32_contents=flat))
    answer = infer.ModelInfer(oip.ModelInferRequest(model_name="model", inputs=[tensor]), timeout=10)
    assert answer.outputs[0].name == "labels" and list(answer.outputs[0].contents.int_contents) == expected, \
        "Open Inference Protocol ModelInfer differs from linfa"
    raw_tensor = oip.ModelInferRequest.InferInputTensor(name="input", datatype="FP32", shape=[len(points), 2])
    raw_answer = infer.ModelInfer(oip.ModelInferRequest(model_name="model", inputs=[raw_tensor],
                                                        raw_input_contents=[array.array("f", flat).tobytes()]), timeout=10)
    assert list(array.array("i", raw_answer.raw_output_contents[0])) == expected, "raw ModelInfer differs from linfa"
    assert infer.ServerReady(oip.ServerReadyRequest(), timeout=10).ready
    health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
    assert health.status == health_pb2.HealthCheckResponse.SERVING
    try:
        seed.Predict(pb.PredictRequest(features=[1.0, float("nan")]), timeout=10)
        raise AssertionError("NaN was accepted")
    except grpc.RpcError as e:
        assert e.code() == grpc.StatusCode.INVALID_ARGUMENT and "not a finite" in e.details(), e
    # Reflection, without its stubs: ServerReflectionRequest{list_services: ""} is field 7
    # (length-delimited, empty) on the wire; the answer names every service.
    reflect = channel.stream_stream("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")
    listing = b"".join(reflect(iter([b"\x3a\x00"]), timeout=10))
    for service in (b"ml.ClusteringService", b"linfa.serving.v1.ModelService", b"inference.GRPCInferenceService",
                    b"grpc.health.v1.Health"):
        assert service in listing, f"reflection does not list {service}: {listing!r}"
    channel.close()
finally:
    server.send_signal(signal.SIGTERM)
    code = server.wait(timeout=30)
assert code == 0, f"linfa-serve exited with {code}"
print(f"python client: {len(points)} points agree with linfa (seed, v1, Open Inference Protocol); health SERVING; reflection lists the services; NaN refused; clean exit")
