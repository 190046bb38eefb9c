"""Models fitted and saved from Python are served by linfa-serve by capability, and answer what
scikit-learn answers: a LinearRegression and a Ridge (values, one and two targets) and a PCA
(transformed rows), each fitted with linfa's estimator and with scikit-learn's on the same data;
linfa-serve's answers must equal linfa's own predict/transform bit for bit and scikit-learn's to
1e-9 relative. Also the metadata's task and outputs, and an output the model lacks. Then a
pipeline (StandardScaler -> PCA -> LogisticRegression) served as one classifier model, and
models answering with probabilities: a GaussianMixture and a KNeighborsClassifier.
usage: python_served_models_test.py --server EXE --stubs DIR --pkg DIR --work DIR"""
import argparse, signal, subprocess, sys

args = argparse.ArgumentParser()
for name in ("--server", "--stubs", "--pkg", "--work"):
    args.add_argument(name, required=True)
opts = args.parse_args()
sys.path[:0] = [opts.stubs, opts.pkg]
import grpc
import numpy as np
import linfa
import linfa_serving_pb2 as lpb, linfa_serving_pb2_grpc as lpbg
from sklearn import decomposition, linear_model, mixture, neighbors, pipeline, preprocessing

rng = np.random.default_rng(11)
x = rng.standard_normal((400, 6)) * [1, 2, 3, 1, 0.5, 4] + 10
y1 = x @ rng.standard_normal(6) + 0.3 * rng.standard_normal(400)
y2 = np.column_stack([y1, x @ rng.standard_normal(6) - 5])
queries = rng.standard_normal((250, 6)) * 3 + 10

cases = [  # name, linfa estimator, scikit-learn estimator, y, output, task, scikit-learn's answer
    ("linear_regression", linfa.LinearRegression(), linear_model.LinearRegression(), y1, lpb.VALUES, "regression", "predict"),
    ("ridge_two_targets", linfa.Ridge(alpha=0.7), linear_model.Ridge(alpha=0.7), y2, lpb.VALUES, "regression", "predict"),
    ("pca", linfa.PCA(3), decomposition.PCA(3), None, lpb.TRANSFORMED, "transformation", "transform"),
]


def served(path):
    server = subprocess.Popen([opts.server, "--model", path, "--host", "127.0.0.1", "--port", "0"], stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    assert line.startswith("listening on "), f"unexpected first line: {line!r}"
    return server, grpc.insecure_channel(line.split()[-1])


for name, ours, theirs, y, output, task, method in cases:
    ours.fit(x, y) if y is not None else ours.fit(x)
    theirs.fit(x, y) if y is not None else theirs.fit(x)
    path = f"{opts.work}/python_served_{name}.linfa"
    ours.save(path)
    server, channel = served(path)
    try:
        stub = lpbg.ModelServiceStub(channel)
        meta = stub.GetModelMetadata(lpb.GetModelMetadataRequest(), timeout=10)
        assert meta.task == task, (name, meta.task)
        assert meta.outputs[0].output == output, (name, meta.outputs)
        reply = stub.Predict(lpb.PredictRequest(n_rows=len(queries), f64=queries.ravel().tolist(), outputs=[output]), timeout=10)
        field, width = ("values", reply.n_values) if output == lpb.VALUES else ("transformed", reply.n_transformed)
        got = np.array(getattr(reply, field)).reshape(len(queries), width)
        mine = np.asarray(getattr(ours, method)(queries), dtype=np.float64).reshape(len(queries), -1)
        reference = np.asarray(getattr(theirs, method)(queries), dtype=np.float64).reshape(len(queries), -1)
        assert np.array_equal(got, mine), f"{name}: served answers differ from linfa's own"
        scale = np.max(np.abs(reference))
        assert np.max(np.abs(got - reference)) <= 1e-9 * scale, f"{name}: {np.max(np.abs(got - reference)) / scale:.2e} from scikit-learn"
        default = stub.Predict(lpb.PredictRequest(n_rows=1, f64=queries[0].tolist()), timeout=10)
        assert len(getattr(default, field)) == width, f"{name}: the default output is not {field}"
        try:
            stub.Predict(lpb.PredictRequest(n_rows=1, f64=queries[0].tolist(), outputs=[lpb.LABELS]), timeout=10)
            raise AssertionError(f"{name}: labels were answered")
        except grpc.RpcError as e:
            assert e.code() == grpc.StatusCode.INVALID_ARGUMENT and "has no labels" in e.details(), e
        channel.close()
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=30)
    assert code == 0, f"linfa-serve exited with {code}"
    print(f"{name}: {len(queries)} rows served as linfa answers them, within 1e-9 of scikit-learn's {method}")

# A pipeline (StandardScaler -> PCA -> LogisticRegression) saved from Python as one file is
# served as a classifier: the metadata lists its steps; the served probabilities and labels are
# linfa's own bit for bit, and within 1e-9 of scikit-learn's pipeline given the same fitted
# parameters (the scaler's are its own: the same moments).
labels = (y1 > np.median(y1)).astype(int) + (x[:, 0] > 10).astype(int)
ours = linfa.make_pipeline(linfa.StandardScaler(), linfa.PCA(3), linfa.LogisticRegression(C=0.5)).fit(x, labels)
theirs = pipeline.make_pipeline(preprocessing.StandardScaler(), decomposition.PCA(3), linear_model.LogisticRegression(C=0.5)).fit(x, labels)
theirs[1].components_, theirs[1].mean_ = ours[1].components_, ours[1].mean_
theirs[2].coef_, theirs[2].intercept_ = ours[2].coef_, ours[2].intercept_
path = f"{opts.work}/python_served_pipeline.linfa"
ours.save(path)
server, channel = served(path)
try:
    stub = lpbg.ModelServiceStub(channel)
    meta = stub.GetModelMetadata(lpb.GetModelMetadataRequest(), timeout=10)
    assert meta.kind == "pipeline.linear_model.logistic_regression" and meta.task == "classification", meta
    assert list(meta.steps) == ["preprocessing.standard_scaler", "decomposition.pca", "linear_model.logistic_regression"], meta.steps
    reply = stub.Predict(lpb.PredictRequest(n_rows=len(queries), f64=queries.ravel().tolist(), outputs=[lpb.PROBABILITIES, lpb.LABELS]), timeout=10)
    got = np.array(reply.probabilities).reshape(len(queries), reply.n_probabilities)
    assert np.array_equal(got, ours.predict_proba(queries)), "pipeline: served probabilities differ from linfa's own"
    assert np.array_equal(np.array(reply.labels), ours.predict(queries)), "pipeline: served labels differ from linfa's own"
    error = np.max(np.abs(got - theirs.predict_proba(queries)))
    assert error <= 1e-9, f"pipeline: {error:.2e} from scikit-learn's pipeline"
    try:
        stub.Predict(lpb.PredictRequest(n_rows=1, f64=queries[0, :5].tolist()), timeout=10)
        raise AssertionError("pipeline: a row of 5 features was answered")
    except grpc.RpcError as e:
        assert e.code() == grpc.StatusCode.INVALID_ARGUMENT, e
    channel.close()
finally:
    server.send_signal(signal.SIGTERM)
    code = server.wait(timeout=30)
assert code == 0, f"linfa-serve exited with {code}"
print(f"pipeline: {len(queries)} rows served as linfa answers them, within 1e-9 of scikit-learn's pipeline")

# Models that answer with probabilities, saved from Python: the served labels and probabilities
# are linfa's own bit for bit, and within 1e-9 of scikit-learn's predict_proba: a GaussianMixture
# (scikit-learn's given linfa's fitted weights, means and precisions) and a
# KNeighborsClassifier (fitted by both on the same data: continuous data, so no tied distances).
gm_ours = linfa.GaussianMixture(3, covariance_type="full", random_state=0).fit(x)
gm_theirs = mixture.GaussianMixture(3, covariance_type="full")
for attribute in ("weights_", "means_", "covariances_", "precisions_cholesky_", "precisions_"):
    setattr(gm_theirs, attribute, getattr(gm_ours, attribute))
knn_ours = linfa.KNeighborsClassifier(7, weights="distance").fit(x, labels)
knn_theirs = neighbors.KNeighborsClassifier(7, weights="distance").fit(x, labels)
for name, ours, theirs, kind in [("gaussian_mixture", gm_ours, gm_theirs, "clustering.gaussian_mixture"),
                                 ("kneighbors_classifier", knn_ours, knn_theirs, "neighbors.kneighbors_classifier")]:
    path = f"{opts.work}/python_served_{name}.linfa"
    ours.save(path)
    server, channel = served(path)
    try:
        stub = lpbg.ModelServiceStub(channel)
        meta = stub.GetModelMetadata(lpb.GetModelMetadataRequest(), timeout=10)
        assert meta.kind == kind, meta
        reply = stub.Predict(lpb.PredictRequest(n_rows=len(queries), f64=queries.ravel().tolist(), outputs=[lpb.PROBABILITIES, lpb.LABELS]), timeout=10)
        got = np.array(reply.probabilities).reshape(len(queries), reply.n_probabilities)
        assert np.array_equal(got, ours.predict_proba(queries)), f"{name}: served probabilities differ from linfa's own"
        assert np.array_equal(np.array(reply.labels), ours.predict(queries)), f"{name}: served labels differ from linfa's own"
        error = np.max(np.abs(got - theirs.predict_proba(queries)))
        assert error <= 1e-9, f"{name}: {error:.2e} from scikit-learn's predict_proba"
        assert np.array_equal(np.array(reply.labels), theirs.predict(queries)), f"{name}: labels differ from scikit-learn's"
        channel.close()
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=30)
    assert code == 0, f"linfa-serve exited with {code}"
    print(f"{name}: {len(queries)} rows served as linfa answers them, within 1e-9 of scikit-learn's predict_proba")
