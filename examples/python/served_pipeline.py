"""A pipeline served as one model: fit StandardScaler -> PCA -> LogisticRegression with
linfa.make_pipeline, save it as one model file, serve that file with linfa-serve, and ask the
server (linfa.serving.v1 over gRPC) for probabilities and labels of new rows, in the original
feature space. The served answers are the pipeline's own, bit for bit.

usage: /usr/bin/python3 examples/python/served_pipeline.py --server build/serve/linfa-serve
           --stubs build/serve/python --pkg build/python/pkg [--work DIR]"""
import argparse, signal, subprocess, sys, tempfile

parser = argparse.ArgumentParser()
parser.add_argument("--server", default="build/serve/linfa-serve")
parser.add_argument("--stubs", default="build/serve/python")
parser.add_argument("--pkg", default="build/python/pkg")
parser.add_argument("--work", default=tempfile.gettempdir())
opts = parser.parse_args()
sys.path[:0] = [opts.stubs, opts.pkg]
import grpc
import numpy as np
import linfa
import linfa_serving_pb2 as pb, linfa_serving_pb2_grpc as pb_grpc

rng = np.random.default_rng(1)
X = rng.standard_normal((5000, 8)) * rng.uniform(0.5, 5, 8) + rng.uniform(-10, 10, 8)
y = (X[:, 0] / 3 + X[:, 3] > 0).astype(int) + (X[:, 5] > X[:, 5].mean())
pipeline = linfa.make_pipeline(linfa.StandardScaler(), linfa.PCA(4), linfa.LogisticRegression()).fit(X, y)
path = f"{opts.work}/served_pipeline.linfa"
pipeline.save(path)
print(f"fitted {[name for name, _ in pipeline.steps]}, saved {path}")

# Port 0: the server picks a free port and prints it on its first line.
same = False
server = subprocess.Popen([opts.server, "--model", path, "--host", "127.0.0.1", "--port", "0"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
try:
    address = server.stdout.readline().split()[-1]
    with grpc.insecure_channel(address) as channel:
        stub = pb_grpc.ModelServiceStub(channel)
        meta = stub.GetModelMetadata(pb.GetModelMetadataRequest(), timeout=10)
        print(f"serving {meta.kind} ({meta.task}), steps {list(meta.steps)}, {meta.n_features} features")
        rows = rng.standard_normal((4, 8)) * 3
        reply = stub.Predict(pb.PredictRequest(n_rows=len(rows), f64=rows.ravel().tolist(),
                                               outputs=[pb.LABELS, pb.PROBABILITIES]), timeout=10)
        probabilities = np.array(reply.probabilities).reshape(len(rows), reply.n_probabilities)
        for label, p in zip(reply.labels, probabilities):
            print(f"  label {label}, probabilities {np.round(p, 4)}")
        same = np.array_equal(probabilities, pipeline.predict_proba(rows)) and np.array_equal(reply.labels, pipeline.predict(rows))
        print(f"served answers are the pipeline's own: {'yes' if same else 'NO'}")
finally:
    server.send_signal(signal.SIGTERM)
    code = server.wait(timeout=30)
sys.exit(0 if same and code == 0 else 1)
