"""Pickle, save/load, and model files shared with C++ in both directions."""

import os
import pickle
import subprocess

import numpy as np
import pytest

from conftest import make_blobs
from linfa import KMeans

TOOL = os.environ.get("LINFA_CPP_MODEL_TOOL")
needs_tool = pytest.mark.skipif(
    not TOOL,
    reason="LINFA_CPP_MODEL_TOOL is unset: build the cpp_model_tool target (python/CMakeLists.txt) "
    "and point the variable at it (ctest does this)",
)
# The probe points of cpp_model_tool.cpp: a 5 x 5 grid over [-25, 35]^2.
PROBES = np.array([[-25.0 + 15 * (i // 5), -25.0 + 15 * (i % 5)] for i in range(25)])
SEED_CENTRES = [(10, 10), (1, 12), (20, 30), (-20, 30)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pickle_round_trip(dtype):
    X, _ = make_blobs()
    X = X.astype(dtype)
    km = KMeans(3, random_state=0).fit(X)
    back = pickle.loads(pickle.dumps(km))
    assert back.get_params() == km.get_params()
    np.testing.assert_array_equal(back.cluster_centers_, km.cluster_centers_)
    np.testing.assert_array_equal(back.labels_, km.labels_)
    assert back.cluster_centers_.dtype == dtype
    assert (back.inertia_, back.n_iter_, back.n_features_in_) == (km.inertia_, km.n_iter_, 2)
    np.testing.assert_array_equal(back.predict(X), km.predict(X))
    unfitted = pickle.loads(pickle.dumps(KMeans(5, init="random")))
    assert unfitted.get_params()["n_clusters"] == 5 and not hasattr(unfitted, "cluster_centers_")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("json", [False, True])
def test_save_load_round_trip(tmp_path, dtype, json):
    X, _ = make_blobs()
    X = X.astype(dtype)
    km = KMeans(3, random_state=0).fit(X)
    path = tmp_path / "km.linfa"
    km.save(path, json=json)
    back = KMeans.load(path)
    assert isinstance(back, KMeans) and back.n_clusters == 3
    np.testing.assert_array_equal(back.cluster_centers_, km.cluster_centers_)
    assert back.cluster_centers_.dtype == dtype
    assert (back.inertia_, back.n_iter_, back.n_features_in_) == (km.inertia_, km.n_iter_, 2)
    np.testing.assert_array_equal(back.predict(X), km.labels_)
    if not json:
        assert path.read_bytes().startswith(b"LINFAMDL")


def test_damaged_model_files_raise_oserror(tmp_path):
    km = KMeans(2, random_state=0).fit(make_blobs()[0])
    path = tmp_path / "km.linfa"
    km.save(str(path))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(OSError, match="checksum"):
        KMeans.load(path)
    with pytest.raises(OSError, match="cannot open"):
        KMeans.load(tmp_path / "missing.linfa")
    with pytest.raises(OSError, match="not a linfa model"):
        path.write_bytes(b"hello")
        KMeans.load(path)
    with pytest.raises(OSError):
        pickle.loads(pickle.dumps(km).replace(b"LINFAMDL", b"LINFAXXX"))


def run_tool(*args):
    result = subprocess.run([TOOL, *map(str, args)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return parse_tool_output(result.stdout)


def parse_tool_output(text):
    lines = text.splitlines()
    out = {}
    i = 0
    while i < len(lines):
        key, *rest = lines[i].split()
        if key == "centroids":
            rows = int(rest[0])
            out["centroids"] = np.array([[float(v) for v in lines[i + 1 + r].split()] for r in range(rows)])
            i += rows
        elif key == "predictions":
            out["predictions"] = np.array([int(v) for v in rest])
        else:
            out[key] = rest[0]
        i += 1
    return out


@needs_tool
@pytest.mark.parametrize("scalar", ["f32", "f64"])
def test_cpp_model_loads_in_python(tmp_path, scalar):
    path = tmp_path / f"cpp_{scalar}.linfa"
    cpp = run_tool("fit", path, scalar)
    km = KMeans.load(path)
    dtype = np.float32 if scalar == "f32" else np.float64
    assert km.cluster_centers_.dtype == dtype
    np.testing.assert_array_equal(km.cluster_centers_, cpp["centroids"].astype(dtype))
    np.testing.assert_array_equal(km.predict(PROBES), cpp["predictions"])
    assert km.n_iter_ == int(cpp["n_iterations"])
    assert km.inertia_ == float(cpp["inertia"])
    # the seed's four blob centres were found
    for centre in SEED_CENTRES:
        assert np.min(np.linalg.norm(km.cluster_centers_ - np.array(centre), axis=1)) < 0.2


@needs_tool
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("json", [False, True])
def test_python_model_loads_in_cpp(tmp_path, dtype, json):
    X, _ = make_blobs(centres=SEED_CENTRES, seed=3)
    km = KMeans(4, random_state=0).fit(X.astype(dtype))
    path = tmp_path / "py.linfa"
    km.save(path, json=json)
    cpp = run_tool("check", path)
    assert cpp["scalar"] == ("f32" if dtype == np.float32 else "f64")
    np.testing.assert_array_equal(cpp["centroids"].astype(dtype), km.cluster_centers_)
    np.testing.assert_array_equal(cpp["predictions"], km.predict(PROBES))
    assert int(cpp["n_iterations"]) == km.n_iter_
