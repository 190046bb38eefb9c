#!/usr/bin/env bash
# The main job, end to end, as the project's story goes:
#   1. C++: the seed's snippet (fit K-Means on four blobs, save, reload);
#   2. Python: `from linfa import KMeans` trains on the same kind of data and saves km.linfa;
#   3. Serving: linfa-serve loads that file, answers gRPC queries and a short load, then
#      stops cleanly on SIGTERM (scripts/serve-demo.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
source scripts/ccache-env.sh
PY=/usr/bin/python3
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE=$PY > /dev/null
cmake --build build -j"$(nproc)" --target kmeans_blobs _linfa linfa-serve linfa-loadgen linfa_serve_python_stubs

echo "== C++: the seed's snippet"
(cd build && ./examples/kmeans_blobs)

echo "== Python: train with linfa's scikit-learn-style estimator, save the model"
PYTHONPATH=build/python/pkg "$PY" - build/km.linfa <<'PYTHON'
import sys
import numpy as np
from linfa import KMeans

rng = np.random.default_rng(42)
centres = np.array([[10, 10], [1, 12], [20, 30], [-20, 30]], dtype=np.float64)
X = np.concatenate([c + rng.standard_normal((10000, 2)) for c in centres])
model = KMeans(n_clusters=4, random_state=42, max_iter=200, tol=1e-5).fit(X)
print(f"fitted in {model.n_iter_} iterations, inertia {model.inertia_:.1f}")
print("centres:", np.round(model.cluster_centers_, 3).tolist())
model.save(sys.argv[1])
print(f"saved {sys.argv[1]}")
PYTHON

echo "== Serving: linfa-serve on the model Python saved"
MODEL=build/km.linfa bash scripts/serve-demo.sh
