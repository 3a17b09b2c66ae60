#!/usr/bin/python3
"""Golden values for ImbLab.Analysis's representation measures (Silhouette, ClassGeometry).

Run with the system interpreter (Debian's python3-sklearn / numpy):

    /usr/bin/python3 tools/reference/representation_goldens.py [path/to/abalone19.dat]

Writes tests/ImbLab.Tests/Fixtures/Representations/representation_goldens.json.

Each case holds a float32 matrix x (rows x dims, row-major, as the shortest decimal strings that parse back to
the same float32), int labels in [0, classes) and the expected values, computed in float64 from those exact
float32 values:
- silhouette: sklearn.metrics.silhouette_samples / silhouette_score (Euclidean); per-class means and their
  unweighted mean over the classes present, in numpy. sklearn needs 2 <= classes present <= n - 1: every case
  meets that.
- geometry: numpy. Means and within-class variances (mean squared distance to the class mean); ||mu_i - mu_j||;
  the cosine of the means centred on mu_G = the unweighted mean of the present class means; NC1 =
  tr(S_W pinv(S_B)) / C with S_W = (1/N) sum (x - mu_y)(x - mu_y)^T, S_B = (1/C) sum_c (mu_c - mu_G)(mu_c - mu_G)^T,
  numpy.linalg.pinv(S_B, rcond=1e-10, hermitian=True) (ImbLab's cutoff, ClassGeometry.PseudoInverseCutoff);
  CDNV = (Var_i + Var_j) / (2 ||mu_i - mu_j||^2). Undefined values (absent classes, identical means, the CDNV
  diagonal) are JSON null.
"""
import json
import os
import sys
import warnings

import numpy as np
from sklearn.metrics import silhouette_samples, silhouette_score

warnings.filterwarnings("ignore")
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_ABALONE = os.path.join(REPO, "data", "keel", "abalone19", "abalone19.dat")
OUT = os.path.join(REPO, "tests", "ImbLab.Tests", "Fixtures", "Representations", "representation_goldens.json")
CUTOFF = 1e-10
rng = np.random.default_rng(20260524)


def f32(values):
    return [str(np.float32(v)) for v in np.asarray(values, dtype=np.float32).ravel()]


def nullable(values):
    return [None if np.isnan(v) else float(v) for v in np.asarray(values, dtype=np.float64).ravel()]


def blobs(counts, dims, spread=3.0, scale=1.0, offset=0.0):
    centres = rng.normal(0.0, spread, size=(len(counts), dims))
    xs, ys = [], []
    for c, n in enumerate(counts):
        xs.append(centres[c] + rng.normal(0.0, scale, size=(n, dims)))
        ys += [c] * n
    x = np.concatenate(xs) + offset
    y = np.array(ys)
    order = rng.permutation(len(y))
    return x[order].astype(np.float32), y[order]


def expected(x32, y, classes):
    x = x32.astype(np.float64)
    n, d = x.shape
    present = [c for c in range(classes) if np.any(y == c)]
    s = silhouette_samples(x, y, metric="euclidean")
    score = silhouette_score(x, y, metric="euclidean")
    per_class = [float(np.mean(s[y == c])) if c in present else np.nan for c in range(classes)]
    unweighted = float(np.mean([per_class[c] for c in present]))

    means = np.full((classes, d), np.nan)
    var = np.full(classes, np.nan)
    for c in present:
        means[c] = x[y == c].mean(axis=0)
        var[c] = np.mean(np.sum((x[y == c] - means[c]) ** 2, axis=1))
    mu_g = means[present].mean(axis=0)
    centred = means - mu_g
    dist = np.sqrt(((means[:, None, :] - means[None, :, :]) ** 2).sum(axis=2))
    norms = np.linalg.norm(centred, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = (centred @ centred.T) / np.outer(norms, norms)
        cos[~np.isfinite(cos)] = np.nan
        cdnv = (var[:, None] + var[None, :]) / (2 * dist ** 2)
        cdnv[~np.isfinite(cdnv)] = np.nan
    resid = x - means[y]
    sw = resid.T @ resid / n
    cp = centred[present]
    sb = cp.T @ cp / len(present)
    nc1 = float(np.trace(sw @ np.linalg.pinv(sb, rcond=CUTOFF, hermitian=True)) / len(present))
    return {
        "silhouette": nullable(s),
        "silhouette_score": float(score),
        "per_class_mean": nullable(per_class),
        "unweighted_mean": unweighted,
        "means": nullable(means),
        "within_variance": nullable(var),
        "mean_distance": nullable(dist),
        "mean_cosine": nullable(cos),
        "nc1": nc1,
        "cdnv": nullable(cdnv),
    }


def case(name, x32, y, classes, note):
    assert x32.dtype == np.float32 and x32.ndim == 2
    return {"name": name, "note": note, "rows": int(x32.shape[0]), "dims": int(x32.shape[1]), "classes": classes,
            "x": f32(x32), "labels": [int(v) for v in y], "expected": expected(x32, y, classes)}


def abalone(path):
    """Encoded abalone19 (Sex one-hot over M, F, I; numeric standardised on all rows), all 32 positives and a
    random 568 negatives: realistic overlapping classes at heavy imbalance."""
    rows, labels = [], []
    with open(path) as f:
        data = False
        for line in f:
            line = line.strip()
            if not line:
                continue
            if line.lower() == "@data":
                data = True
                continue
            if not data:
                continue
            cells = [c.strip() for c in line.split(",")]
            rows.append([1.0 if cells[0] == s else 0.0 for s in ("M", "F", "I")] + [float(v) for v in cells[1:8]])
            labels.append(1 if cells[8] == "positive" else 0)
    x = np.array(rows)
    y = np.array(labels)
    x[:, 3:] = (x[:, 3:] - x[:, 3:].mean(axis=0)) / x[:, 3:].std(axis=0)
    pos = np.flatnonzero(y == 1)
    neg = rng.choice(np.flatnonzero(y == 0), size=600 - len(pos), replace=False)
    keep = np.sort(np.concatenate([pos, neg]))
    return x[keep].astype(np.float32), y[keep]


def main():
    cases = []
    x, y = blobs([60, 60], 5)
    cases.append(case("blobs2_d5", x, y, 2, "two Gaussian blobs, balanced"))
    x, y = blobs([120, 90, 60], 16, spread=1.5)
    cases.append(case("blobs3_d16", x, y, 3, "three blobs, moderate overlap"))
    x, y = blobs([40, 1, 30], 4)
    cases.append(case("singleton_class", x, y, 3, "class 1 has one member: its silhouette is 0"))
    x, y = blobs([594, 6], 8, spread=1.0)
    cases.append(case("imbalance_1pct", x, y, 2, "600 rows, 1% minority"))
    base, yb = blobs([10, 8], 3)
    x = np.concatenate([base, base[:6], np.repeat(base[:1], 4, axis=0)])
    y = np.concatenate([yb, yb[:6], np.repeat(yb[:1], 4)])
    x = np.concatenate([x, np.full((5, 3), 2.5, dtype=np.float32)])  # a third class of five identical points
    y = np.concatenate([y, np.full(5, 2)])
    cases.append(case("duplicates", x.astype(np.float32), y, 3, "repeated rows and a class of identical points: zero distances"))
    x, y = blobs([30, 25], 1, spread=2.0)
    cases.append(case("dims1", x, y, 2, "one dimension"))
    x, y = blobs([250, 150], 64, spread=0.4)
    cases.append(case("dims64", x, y, 2, "64 dimensions, 400 rows"))
    x, y = blobs([50, 0, 40, 30], 6)
    cases.append(case("absent_class", x, y, 4, "class 1 has no rows: ignored, NaN rows/columns"))
    x, y = blobs([100, 100], 10, spread=0.05)
    cases.append(case("overlapping", x, y, 2, "nearly identical class distributions: silhouettes near 0"))
    x, y = blobs([70, 50], 12, spread=2.0, scale=0.3, offset=40.0)
    cases.append(case("far_from_origin", x, y, 2, "tight clusters offset by 40: the Gram trick's cancellation"))
    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_ABALONE
    x, y = abalone(path)
    cases.append(case("abalone19_encoded", x, y, 2, "KEEL abalone19, encoded, 32 positives + 568 negatives"))

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"generator": "tools/reference/representation_goldens.py", "pinv_rcond": CUTOFF, "cases": cases}, f)
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
