#!/usr/bin/env python3
"""Golden values for ImbLab's TableEncoder from scikit-learn.

Fits StandardScaler (numeric attributes) and OneHotEncoder (nominal attributes, over the declared levels)
on a fixed set of training rows of KEEL's abalone19 and writes the fitted statistics and the first five
encoded rows (train and test rows alike) as JSON. Features follow the attribute order of the file, a
nominal attribute expanding in place into one column per declared level, as TableEncoder does.

Usage (from the repository root; the default input is data/keel/abalone19/abalone19.dat):
    /usr/bin/python3 tools/reference/encoder_goldens.py [path/to/abalone19.dat]
Writes tests/ImbLab.Tests/Fixtures/Readers/encoder_goldens_abalone19.json.
"""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.preprocessing import OneHotEncoder, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
DEFAULT = os.path.join(REPO, "data", "keel", "abalone19", "abalone19.dat")
OUT = os.path.join(REPO, "tests", "ImbLab.Tests", "Fixtures", "Readers", "encoder_goldens_abalone19.json")


def read_keel(path):
    attributes, rows, in_data = [], [], False
    with open(path, newline="") as f:
        for raw in f.read().splitlines():
            line = raw.strip()
            if not line:
                continue
            if in_data:
                rows.append([t.strip() for t in line.split(",")])
            elif line.lower().startswith("@attribute"):
                rest = line[len("@attribute"):].strip()
                name, kind = rest.split(None, 1) if "{" not in rest.split(None, 1)[0] else rest.split("{", 1)
                kind = kind.strip()
                if kind.startswith("{"):
                    levels = [v.strip() for v in kind.strip("{}").split(",")]
                    attributes.append((name, levels))
                else:
                    attributes.append((name, None))
            elif line.lower().startswith("@data"):
                in_data = True
    return attributes[:-1], [r[:-1] for r in rows]


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT
    attributes, rows = read_keel(path)
    n = len(rows)
    # Fixed training rows: every row whose index is not a multiple of 3 (rows 0 and 3 are test rows).
    train = [i for i in range(n) if i % 3 != 0]
    first = list(range(5))

    columns, names, means, scales = [], [], [], []
    for j, (name, levels) in enumerate(attributes):
        values = [r[j] for r in rows]
        if levels is None:
            x = np.array(values, dtype=np.float64).reshape(-1, 1)
            scaler = StandardScaler().fit(x[train])
            columns.append(scaler.transform(x[first]))
            names.append(name)
            means.append(float(scaler.mean_[0]))
            scales.append(float(scaler.scale_[0]))
        else:
            x = np.array(values, dtype=object).reshape(-1, 1)
            encoder = OneHotEncoder(categories=[levels], handle_unknown="error").fit(x[train])
            columns.append(encoder.transform(x[first]).toarray())
            names.extend(f"{name}={level}" for level in levels)
            means.append(None)
            scales.append(None)
    encoded = np.hstack(columns)

    golden = {
        "source": "KEEL abalone19.dat",
        "generator": f"tools/reference/encoder_goldens.py (scikit-learn {sklearn.__version__}, numpy {np.__version__})",
        "train_rows": "every row index i (0-based) with i % 3 != 0",
        "train_row_count": len(train),
        "feature_names": names,
        "attribute_means": means,
        "attribute_scales": scales,
        "rows": first,
        "encoded": [[float(v) for v in row] for row in encoded],
    }
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
