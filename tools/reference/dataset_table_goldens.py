#!/usr/bin/python3
"""Golden silhouette coefficients (SC) for `imblab datasets show`, from scikit-learn.

For a few KEEL datasets, encodes every row exactly as ImbLab's TableEncoder does when fitted on all rows:
numeric attributes standardised with the training mean and the POPULATION std (ddof=0, as StandardScaler; a
constant column is divided by 1), nominal attributes one-hot over their declared levels, in attribute order;
the features are then rounded to float32, as ImbLab stores them. SC = silhouette_score(X, y), Euclidean, over
every row. Also writes the other columns of the dataset table (counts, % majority/minority, IR).

Run with the system interpreter (Debian's python3-sklearn), from the repository root:

    /usr/bin/python3 tools/reference/dataset_table_goldens.py

Writes tests/ImbLab.Tests/Fixtures/Datasets/dataset_table_goldens.json.
"""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.metrics import silhouette_score

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(REPO, "tests", "ImbLab.Tests", "Fixtures", "Datasets", "dataset_table_goldens.json")
# Small and large, numeric only and with nominal attributes, IR from 1.8 to 129.
DATASETS = ["glass1", "ecoli-0_vs_1", "pima", "abalone19", "car-good", "vowel0", "page-blocks0", "shuttle-c0-vs-c4"]


def read_keel(path):
    """(attributes [(name, levels or None)], rows of input strings, labels) of a KEEL .dat file; the class is the last attribute."""
    attributes, rows, in_data = [], [], False
    with open(path, newline="") as f:
        for raw in f.read().splitlines():
            line = raw.strip()
            if not line or line.startswith("%"):
                continue
            if in_data:
                rows.append([t.strip() for t in line.split(",")])
            elif line.lower().startswith("@attribute"):
                rest = line[len("@attribute"):].strip()
                if "{" in rest:
                    name, levels = rest.split("{", 1)
                    attributes.append((name.strip(), [v.strip() for v in levels.rsplit("}", 1)[0].split(",")]))
                else:
                    attributes.append((rest.split(None, 1)[0], None))
            elif line.lower().startswith("@data"):
                in_data = True
    return attributes[:-1], [r[:-1] for r in rows], [r[-1] for r in rows]


def encode(attributes, rows):
    columns = []
    for j, (_, levels) in enumerate(attributes):
        values = [r[j] for r in rows]
        if levels is None:
            x = np.array(values, dtype=np.float64)
            # Summed in row order, as TableEncoder does (numpy's pairwise sum can differ in the last bit).
            total = 0.0
            for v in x:
                total += v
            mean = total / len(x)
            squares = 0.0
            for v in x:
                squares += (v - mean) * (v - mean)
            std = np.sqrt(squares / len(x))
            columns.append(((x - mean) / (std if std > 0 else 1.0))[:, None])
        else:
            onehot = np.zeros((len(values), len(levels)))
            for i, v in enumerate(values):
                onehot[i, levels.index(v)] = 1.0
            columns.append(onehot)
    return np.hstack(columns).astype(np.float32)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "data", "keel")
    cases = []
    for name in DATASETS:
        attributes, rows, labels = read_keel(os.path.join(root, name, name + ".dat"))
        x = encode(attributes, rows).astype(np.float64)
        classes, y = np.unique(labels, return_inverse=True)
        counts = np.bincount(y)
        sc = silhouette_score(x, y, metric="euclidean")
        cases.append({
            "name": name,
            "file": f"{name}/{name}.dat",
            "rows": len(rows),
            "attributes": len(attributes),
            "numeric": sum(1 for _, levels in attributes if levels is None),
            "nominal": sum(1 for _, levels in attributes if levels is not None),
            "features": int(x.shape[1]),
            "class_counts": {str(c): int(n) for c, n in zip(classes, counts)},
            "majority_pct": float(100.0 * counts.max() / len(rows)),
            "minority_pct": float(100.0 * counts.min() / len(rows)),
            "ir": float(counts.max() / counts.min()),
            "sc": float(sc),
        })
        print(f"{name}: {len(rows)} rows, {x.shape[1]} features, SC {sc:.6f}")
    fixture = {
        "generator": "tools/reference/dataset_table_goldens.py",
        "versions": {"numpy": np.__version__, "sklearn": sklearn.__version__},
        "encoding": "numeric: (x - mean) / population std (1 if 0); nominal: one-hot over declared levels; float32; all rows",
        "datasets": cases,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
