#!/usr/bin/env python3
"""Golden values for ImbLab's data re-sampling (src/ImbLab.Data/Resampling) from scikit-learn and imbalanced-learn.

Three data sets, each as encoded float32 rows (what the .NET code resamples):
  abalone9-18  KEEL's file, every row a training row: Sex one-hot over its declared levels {M, F, I} (columns 0-2),
               the seven numeric attributes standardised with the population std (as TableEncoder does); binary.
  glass1       KEEL's file, nine numeric attributes standardised the same way; binary.
  handmade     three classes (40/15/8 rows), three numeric columns drawn from a normal with a fixed seed, and a
               nominal column with three levels one-hot at columns 3-5; the level is drawn with class-dependent
               probabilities so the neighbours' votes are not trivial.

For each data set and each class that SMOTE over-samples (imbalanced-learn's sampling_strategy='auto'), the k = 5
nearest neighbours of each of the class's rows among the class's other rows, from scikit-learn's NearestNeighbors
fitted on the class's rows (as imbalanced-learn's SMOTE does: n_neighbors = k + 1, the row itself dropped), with
their distances and the gap between the k-th and the (k+1)-th distance, so a test can tell a tie at the boundary
(none of these sets has one: the script checks). Distances are computed on the float32 values widened to float64.

Counts: per-class counts after RandomOverSampler, RandomUnderSampler and SMOTE (all sampling_strategy='auto',
k_neighbors = 5) on each data set and on small label vectors (binary, 3-class, tied majority, tied minority, a
label value that never occurs), with random float32 features.

Usage (from the repository root):  /usr/bin/python3 tools/reference/resampling_goldens.py
Writes tests/ImbLab.Tests/Fixtures/Resampling/resampling_goldens.json.
"""
import json
import os
from collections import Counter

import imblearn
import numpy as np
import sklearn
from imblearn.over_sampling import SMOTE, SMOTENC, RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler
from sklearn.neighbors import NearestNeighbors

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(REPO, "tests", "ImbLab.Tests", "Fixtures", "Resampling", "resampling_goldens.json")
K = 5


def read_keel(path):
    """Attributes (name, levels or None), the class levels, and the rows as strings (class last)."""
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
                if "{" in rest:
                    name, levels = rest.split("{", 1)
                    attributes.append((name.strip(), [v.strip() for v in levels.strip().rstrip("}").split(",")]))
                else:
                    attributes.append((rest.split(None, 1)[0], None))
            elif line.lower().startswith("@data"):
                in_data = True
    return attributes[:-1], attributes[-1][1], rows


def encode_keel(relative):
    """Every row a training row: numeric standardised (population std, 1 for a constant column), nominal one-hot."""
    attributes, classes, rows = read_keel(os.path.join(REPO, relative))
    columns, groups = [], []
    width = 0
    for j, (_, levels) in enumerate(attributes):
        if levels is None:
            x = np.array([float(r[j]) for r in rows])
            std = x.std()
            columns.append(((x - x.mean()) / (std if std > 0 else 1.0)).reshape(-1, 1))
            width += 1
        else:
            onehot = np.zeros((len(rows), len(levels)))
            for i, r in enumerate(rows):
                onehot[i, levels.index(r[j])] = 1.0
            columns.append(onehot)
            groups.append([width, len(levels)])
            width += len(levels)
    features = np.hstack(columns).astype(np.float32)
    labels = np.array([classes.index(r[-1]) for r in rows])
    return features, labels, groups


def handmade():
    rng = np.random.default_rng(20261202)
    counts = [40, 15, 8]
    labels = np.concatenate([np.full(n, c) for c, n in enumerate(counts)])
    rng.shuffle(labels)
    numeric = rng.normal(size=(len(labels), 3)) + labels[:, None] * np.array([0.8, -0.5, 0.3])
    level_probs = {0: [0.6, 0.3, 0.1], 1: [0.2, 0.5, 0.3], 2: [0.4, 0.2, 0.4]}
    levels = np.array([rng.choice(3, p=level_probs[int(y)]) for y in labels])
    onehot = np.eye(3)[levels]
    features = np.hstack([numeric, onehot]).astype(np.float32)
    return features, labels, [[3, 3]]


def over_sampled_classes(labels):
    """imbalanced-learn's 'auto' for over-sampling: every class but the (first) majority, to the majority count."""
    stats = Counter(labels.tolist())
    majority = max(sorted(stats), key=stats.get)
    return [c for c in sorted(stats) if c != majority and stats[c] < stats[majority]]


def neighbours(features, labels, c):
    rows = np.flatnonzero(labels == c)
    x = features[rows].astype(np.float64)
    nn = NearestNeighbors(n_neighbors=min(K + 2, len(rows))).fit(x)
    distances, indices = nn.kneighbors(x)
    result = []
    for i, row in enumerate(rows):
        # imbalanced-learn drops the first column, the row itself; with these tie-free sets it always is first.
        assert indices[i, 0] == i and distances[i, 0] == 0.0, "a duplicate row: the golden needs tie-free data"
        assert distances[i, 1] > 0.0, "a duplicate row"
        near = indices[i, 1:K + 1]
        gap = distances[i, K + 1] - distances[i, K] if distances.shape[1] > K + 1 else float("inf")
        assert gap > 1e-9 * max(1.0, distances[i, K]), f"class {c} row {row}: a tie at the k-th neighbour"
        result.append({
            "row": int(row),
            "neighbours": [int(rows[j]) for j in near],
            "distances": [float(d) for d in distances[i, 1:K + 1]],
            "boundary_gap": float(gap) if np.isfinite(gap) else None,
        })
    return {"class": int(c), "rows": result}


def counts_after(features, labels, groups):
    def count(y):
        stats = Counter(y.tolist())
        return {str(int(c)): int(stats[c]) for c in sorted(stats)}

    ros = RandomOverSampler(sampling_strategy="auto", random_state=0).fit_resample(features, labels)[1]
    rus = RandomUnderSampler(sampling_strategy="auto", random_state=0).fit_resample(features, labels)[1]
    smote = SMOTE(sampling_strategy="auto", k_neighbors=K, random_state=0).fit_resample(features, labels)[1]
    result = {"before": count(labels), "ros": count(ros), "rus": count(rus), "smote": count(smote)}
    if groups:
        # SMOTE-NC on the raw table (nominal columns as category codes): the counts are SMOTE's.
        nominal, numeric = [], []
        pos = 0
        codes = []
        numeric_columns = []
        grouped = {start: length for start, length in groups}
        while pos < features.shape[1]:
            if pos in grouped:
                codes.append(features[:, pos:pos + grouped[pos]].argmax(axis=1))
                pos += grouped[pos]
            else:
                numeric_columns.append(features[:, pos])
                pos += 1
        raw = np.column_stack(numeric_columns + codes)
        categorical = list(range(len(numeric_columns), raw.shape[1]))
        smotenc = SMOTENC(categorical_features=categorical, k_neighbors=K, random_state=0).fit_resample(raw, labels)[1]
        result["smotenc"] = count(smotenc)
    return result


def label_cases():
    rng = np.random.default_rng(7)
    cases = {
        "binary_30_7": [30, 7],
        "three_25_9_6": [25, 9, 6],
        "tied_majority_12_12_6": [12, 12, 6],
        "tied_minority_20_6_6": [20, 6, 6],
        "absent_label_1": [18, 0, 11, 7],
    }
    result = []
    for name, counts in cases.items():
        labels = np.concatenate([np.full(n, c) for c, n in enumerate(counts)])
        rng.shuffle(labels)
        features = rng.normal(size=(len(labels), 2)).astype(np.float32)
        result.append({
            "name": name,
            "columns": 2,
            "features": [float(v) for v in features.ravel()],
            "labels": [int(v) for v in labels],
            "counts": counts_after(features, labels, []),
        })
    return result


def data_set(name, features, labels, groups):
    return {
        "name": name,
        "columns": int(features.shape[1]),
        "one_hot_groups": groups,
        "features": [float(v) for v in features.ravel()],
        "labels": [int(v) for v in labels],
        "k": K,
        "neighbours": [neighbours(features, labels, c) for c in over_sampled_classes(labels)],
        "counts": counts_after(features, labels, groups),
    }


def main():
    sets = []
    f, y, g = encode_keel(os.path.join("data", "keel", "abalone9-18", "abalone9-18.dat"))
    sets.append(dict(data_set("abalone9-18", f, y, g), source="data/keel/abalone9-18/abalone9-18.dat"))
    f, y, g = encode_keel(os.path.join("data", "keel", "glass1", "glass1.dat"))
    sets.append(dict(data_set("glass1", f, y, g), source="data/keel/glass1/glass1.dat"))
    f, y, g = handmade()
    sets.append(data_set("handmade", f, y, g))

    golden = {
        "generator": f"tools/reference/resampling_goldens.py (scikit-learn {sklearn.__version__}, imbalanced-learn {imblearn.__version__}, numpy {np.__version__})",
        "k": K,
        "data_sets": sets,
        "label_cases": label_cases(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        json.dump(golden, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
