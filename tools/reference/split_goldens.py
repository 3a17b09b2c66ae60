#!/usr/bin/python3
"""Per-class test-fold sizes of scikit-learn's StratifiedKFold(shuffle=True) for a few label vectors.

ImbLab's Splitter.StratifiedKFold must give the same per-class fold SIZES (which rows land where differs,
the RNGs are different). Output: tests/ImbLab.Tests/Fixtures/Protocols/split_goldens.json.
Run: /usr/bin/python3 tools/reference/split_goldens.py
"""
import json
import pathlib

import numpy as np
import sklearn
from sklearn.model_selection import StratifiedKFold


def case(name, labels, k):
    labels = np.asarray(labels, dtype=int)
    classes = int(labels.max()) + 1
    sizes = []
    for _, test in StratifiedKFold(n_splits=k, shuffle=True, random_state=0).split(np.zeros(len(labels)), labels):
        sizes.append(np.bincount(labels[test], minlength=classes).tolist())
    return {"name": name, "k": k, "labels": labels.tolist(), "foldClassSizes": sizes}


def shuffled(counts, seed):
    labels = np.concatenate([np.full(n, c) for c, n in enumerate(counts)])
    np.random.default_rng(seed).shuffle(labels)
    return labels


cases = [
    case("balanced 7/7, k=5", [0] * 7 + [1] * 7, 5),
    case("majority first 120/26, k=5", shuffled([120, 26], 1), 5),
    case("minority first 26/120, k=5", [1] + list(shuffled([120, 25], 2)), 5),
    case("abalone19-like 4142/32, k=5", shuffled([4142, 32], 3), 5),
    case("three classes, class 2 first, k=4", [2, 1, 0] + list(shuffled([10, 11, 13], 4)), 4),
    case("uneven 23/9/5, k=5", shuffled([23, 9, 5], 5), 5),
    case("k=10 on 101/13", shuffled([101, 13], 6), 10),
]

out = pathlib.Path(__file__).resolve().parents[2] / "tests/ImbLab.Tests/Fixtures/Protocols/split_goldens.json"
generator = json.dumps(f"scikit-learn {sklearn.__version__} StratifiedKFold(shuffle=True)")
lines = ",\n  ".join(json.dumps(c, separators=(",", ":")) for c in cases)
out.write_text(f'{{\n "generator": {generator},\n "cases": [\n  {lines}\n ]\n}}\n')
print(f"wrote {out} ({len(cases)} cases)")
