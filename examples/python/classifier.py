"""A classifier end to end in Python: fit linfa's LogisticRegression on labelled records (any
label type: here strings), score it on held-out rows, save its model file, load it back with
linfa.load and check that it answers as before. The file is the C++ library's own: linfa-serve
serves it as a classifier and C++ linfa::load reads it.

usage: PYTHONPATH=build/python/pkg /usr/bin/python3 examples/python/classifier.py [model path]"""
import sys

import numpy as np

import linfa

path = sys.argv[1] if len(sys.argv) > 1 else "classifier.linfa"
rng = np.random.default_rng(0)
centres = np.array([[0.0, 0.0, 0.0], [4.0, 4.0, 0.0], [0.0, 4.0, 4.0]])
y = rng.integers(0, 3, 3000)
X = centres[y] + rng.standard_normal((3000, 3))
labels = np.array(["setosa", "versicolor", "virginica"])[y]
train, test = slice(0, 2250), slice(2250, None)

clf = linfa.LogisticRegression(C=0.5).fit(X[train], labels[train])
print(f"classes {list(clf.classes_)}, {clf.n_iter_[0]} L-BFGS iterations, "
      f"held-out accuracy {clf.score(X[test], labels[test]):.4f}")
print("first held-out record:", dict(zip(clf.classes_, np.round(clf.predict_proba(X[test][:1])[0], 4))))

# Integer labels reach the model file as they are; string labels as their index in classes_.
coded = linfa.LogisticRegression(C=0.5).fit(X[train], y[train])
coded.save(path)
restored = linfa.load(path)
same = np.array_equal(restored.predict_proba(X[test]), coded.predict_proba(X[test]))
print(f"saved {path}; restored answers identically: {'yes' if same else 'NO'}")
sys.exit(0 if same and clf.score(X[test], labels[test]) > 0.9 else 1)
