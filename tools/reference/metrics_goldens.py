#!/usr/bin/python3
"""Golden values for ImbLab.Core's ClassificationMetrics and Softmax, from scikit-learn and imbalanced-learn.

Run with the system interpreter (Debian's python3-sklearn / python3-imblearn):

    /usr/bin/python3 tools/reference/metrics_goldens.py tests/ImbLab.Tests/Fixtures/Metrics/metrics_goldens.json

Undefined values are written as JSON null and read back as NaN by the .NET tests. Float32 probabilities are
written as the shortest decimal strings that parse back to the same float32.

Where ImbLab's documented conventions differ from the library's defaults, this script applies them explicitly
(each place says so), so that the fixture records the convention, not an accident of a library version:
- precision/recall: scikit-learn 1.2 has no zero_division=np.nan, so zero_division=0 is used and the classes whose
  denominator is 0 (nothing predicted / no support) are set to NaN afterwards.
- f1: computed from those precision/recall values (NaN if either is NaN, 0 if both are 0); wherever both are
  defined it is asserted equal to sklearn's f1_score.
- g-mean: imblearn's geometric_mean_score(average="multiclass") with labels = the classes present in y_true, so a
  class that is predicted but absent from y_true does not contribute a 0/0 recall (it would zero the product).
- ROC AUC / AP for C > 2: macro one-vs-rest over the classes for which the one-vs-rest value is defined; when every
  class is present this is asserted equal to roc_auc_score(multi_class="ovr", average="macro").
- AP with no positives: NaN (scikit-learn 1.2 returns nan with a warning, later versions 0).
"""
import json
import sys
import warnings

import numpy as np
from imblearn.metrics import geometric_mean_score
from scipy.special import logsumexp
from sklearn.metrics import (average_precision_score, balanced_accuracy_score, f1_score, precision_score,
                             recall_score, roc_auc_score)

warnings.filterwarnings("ignore")
rng = np.random.default_rng(20260524)


def nan_to_none(values):
    return [None if (v is None or np.isnan(v)) else float(v) for v in values]


def one(v):
    return None if np.isnan(v) else float(v)


def rank_metrics(y_pos, scores):
    """(ROC AUC, AP) of one binary problem under ImbLab's conventions."""
    n_pos = int(y_pos.sum())
    roc = roc_auc_score(y_pos, scores) if 0 < n_pos < len(y_pos) else np.nan
    ap = average_precision_score(y_pos, scores) if n_pos > 0 else np.nan
    return roc, ap


def expected(probs, labels, classes, positive, loss):
    rows = len(labels)
    pred = np.argmax(probs, axis=1)  # first max wins, as in ImbLab
    ks = list(range(classes))
    support = np.bincount(labels, minlength=classes)
    predicted = np.bincount(pred, minlength=classes)

    rec = recall_score(labels, pred, labels=ks, average=None, zero_division=0).astype(float)
    rec[support == 0] = np.nan
    prec = precision_score(labels, pred, labels=ks, average=None, zero_division=0).astype(float)
    prec[predicted == 0] = np.nan
    f1 = np.full(classes, np.nan)
    sk_f1 = f1_score(labels, pred, labels=ks, average=None, zero_division=0)
    for c in ks:
        if np.isnan(prec[c]) or np.isnan(rec[c]):
            continue
        f1[c] = 0.0 if prec[c] + rec[c] == 0 else 2 * prec[c] * rec[c] / (prec[c] + rec[c])
        assert abs(f1[c] - sk_f1[c]) <= 1e-12, (f1[c], sk_f1[c])

    class_loss = [loss[labels == c].mean() if support[c] > 0 else np.nan for c in ks]
    present = np.unique(labels)

    if classes == 2:
        roc, ap = rank_metrics(labels == positive, probs[:, positive])
    else:
        per = [rank_metrics(labels == c, probs[:, c]) for c in ks]
        rocs = np.array([r for r, _ in per])
        aps = np.array([a for _, a in per])
        roc = np.nanmean(rocs) if np.any(~np.isnan(rocs)) else np.nan
        ap = np.nanmean(aps) if np.any(~np.isnan(aps)) else np.nan
        if len(present) == classes:
            normalised = probs / probs.sum(axis=1, keepdims=True)  # sklearn insists rows sum to 1
            sk = roc_auc_score(labels, normalised, multi_class="ovr", average="macro", labels=ks)
            assert abs(sk - roc) <= 1e-12, (sk, roc)
            sk_ap = average_precision_score(np.eye(classes)[labels], probs, average="macro")
            assert abs(sk_ap - ap) <= 1e-12, (sk_ap, ap)

    return {
        "support": support.tolist(),
        "predicted": predicted.tolist(),
        "recall": nan_to_none(rec),
        "precision": nan_to_none(prec),
        "f1": nan_to_none(f1),
        "pred_share": (predicted / rows).tolist(),
        "loss": nan_to_none(class_loss),
        "mean_loss": float(loss.mean()),
        "accuracy": float(np.mean(pred == labels)),
        "balanced_accuracy": float(balanced_accuracy_score(labels, pred)),
        "g_mean": float(geometric_mean_score(labels, pred, labels=present, average="multiclass")),
        "roc_auc": one(roc),
        "pr_auc": one(ap),
    }


def binary_case(name, labels, p1, positive=1, loss=None):
    p1 = np.asarray(p1, dtype=np.float32)
    probs = np.stack([np.float32(1) - p1, p1], axis=1).astype(np.float32)
    return make_case(name, probs, np.asarray(labels), 2, positive, loss)


def make_case(name, probs32, labels, classes, positive, loss=None):
    probs = probs32.astype(np.float64)  # the exact float32 values, as the .NET side reads them
    given = loss is not None
    if not given:
        loss = -np.log(np.maximum(probs[np.arange(len(labels)), labels], 1e-12))
    case = {
        "name": name,
        "classes": classes,
        "positive_class": positive,
        "labels": labels.tolist(),
        # Shortest decimal strings that round-trip float32: compact, and parsed straight to float on the .NET side.
        "probabilities": [np.format_float_positional(v, unique=True, trim="-") for v in probs32.ravel()],
        "loss_per_sample": loss.tolist() if given else [],
        "expected": expected(probs, labels, classes, positive, loss),
    }
    return case


def random_labels(n, classes, minority_share):
    if classes == 2:
        labels = (rng.random(n) < minority_share).astype(int)
    else:
        weights = np.array([1.0] + [minority_share] * (classes - 1))
        labels = rng.choice(classes, size=n, p=weights / weights.sum())
    return labels


def compute_cases():
    cases = []
    # Binary, random sizes, scores rounded to few decimals so that ties are common.
    for k in range(10):
        n = int(rng.integers(5, 501))
        share = [0.5, 0.2, 0.05, 0.01][k % 4]
        labels = random_labels(n, 2, share)
        decimals = [1, 2, 3][k % 3]
        signal = rng.normal(size=n) + 1.5 * labels
        p1 = np.round(1 / (1 + np.exp(-signal + 2)), decimals)
        positive = 1 if labels.sum() * 2 <= n else 0  # the minority, from counts
        cases.append(binary_case(f"binary_random_{k}_n{n}_dec{decimals}", labels, p1, positive))
    # Exactly one positive in a big majority.
    n = 300
    labels = np.zeros(n, dtype=int)
    labels[rng.integers(n)] = 1
    p1 = np.round(rng.random(n) * 0.6, 2)
    cases.append(binary_case("binary_single_positive", labels, p1, 1))
    # The minority class is never predicted (all p1 < 0.5): precision NaN, f1 NaN.
    n = 200
    labels = random_labels(n, 2, 0.1)
    p1 = np.round(rng.random(n) * 0.49, 2)
    cases.append(binary_case("binary_minority_never_predicted", labels, p1, 1))
    # The positive class is absent: recall NaN, ROC AUC NaN, AP NaN, balanced accuracy over one class.
    n = 50
    labels = np.zeros(n, dtype=int)
    p1 = np.round(rng.random(n), 1)
    cases.append(binary_case("binary_positive_absent", labels, p1, 1))
    # Only positives: ROC undefined, AP defined.
    n = 20
    labels = np.ones(n, dtype=int)
    p1 = np.round(rng.random(n), 1)
    cases.append(binary_case("binary_negative_absent", labels, p1, 1))
    # Every score tied at 0.5: argmax picks class 0 for every row; ROC 0.5.
    n = 40
    labels = random_labels(n, 2, 0.3)
    cases.append(binary_case("binary_all_tied", labels, np.full(n, 0.5), 1))
    # Probabilities at float32 saturation: many 1.0 and 0.0, some clipped losses.
    n = 150
    labels = random_labels(n, 2, 0.1)
    signal = rng.normal(size=n) * 20 + 10 * labels
    p1 = (1 / (1 + np.exp(-signal))).astype(np.float32)
    cases.append(binary_case("binary_saturated", labels, p1, 1))
    # Perfect separation.
    n = 60
    labels = random_labels(n, 2, 0.2)
    p1 = np.where(labels == 1, 0.9, 0.1)
    cases.append(binary_case("binary_perfect", labels, p1, 1))
    # Caller-given per-sample losses (e.g. focal loss values) are used as given.
    for k in range(2):
        n = int(rng.integers(5, 200))
        labels = random_labels(n, 2, 0.15)
        p1 = np.round(rng.random(n), 2)
        loss = rng.exponential(size=n)
        cases.append(binary_case(f"binary_given_loss_{k}", labels, p1, 1, loss))
    # Three classes, tied probabilities from integer logits.
    for k in range(8):
        n = int(rng.integers(5, 501))
        labels = random_labels(n, 3, [1.0, 0.3, 0.05, 0.02][k % 4])
        logits = np.round(rng.normal(size=(n, 3)) + 1.2 * np.eye(3)[labels] * (k % 3))
        probs = np.exp(logits - logsumexp(logits, axis=1, keepdims=True)).astype(np.float32)
        cases.append(make_case(f"multiclass_random_{k}_n{n}", probs, labels, 3, 0))
    # Three classes, one absent from the labels.
    n = 120
    labels = rng.choice(2, size=n)
    logits = np.round(rng.normal(size=(n, 3)) * 2)
    probs = np.exp(logits - logsumexp(logits, axis=1, keepdims=True)).astype(np.float32)
    cases.append(make_case("multiclass_class_absent", probs, labels, 3, 0))
    # Three classes, one never predicted.
    n = 90
    labels = random_labels(n, 3, 0.3)
    logits = np.round(rng.normal(size=(n, 3)), 1)
    logits[:, 2] -= 10
    probs = np.exp(logits - logsumexp(logits, axis=1, keepdims=True)).astype(np.float32)
    cases.append(make_case("multiclass_never_predicted", probs, labels, 3, 0))
    # Epoch-sized inputs (abalone19: 4174 rows, IR ~129), large enough for ImbLab's radix-sort path.
    n = 4174
    labels = np.zeros(n, dtype=int)
    labels[rng.choice(n, size=32, replace=False)] = 1
    signal = rng.normal(size=n) * 3 + 2.5 * labels - 4
    p1 = (1 / (1 + np.exp(-signal))).astype(np.float32)
    cases.append(binary_case("binary_epoch_sized_float", labels, p1, 1))
    cases.append(binary_case("binary_epoch_sized_ties", labels, np.round(p1, 3), 1))
    n = 1500
    labels = random_labels(n, 3, 0.1)
    logits = np.round(rng.normal(size=(n, 3)) * 3 + 2 * np.eye(3)[labels], 1)
    probs = np.exp(logits - logsumexp(logits, axis=1, keepdims=True)).astype(np.float32)
    cases.append(make_case("multiclass_large", probs, labels, 3, 0))
    return cases


def heldout_cases():
    """Predictions as a held-out set gives them, where the class labelled 1 is the MAJORITY and the score is P(1), as
    scikit-learn's binary convention has it (classes sorted, the score is for classes_[1]). ImbLab's `evaluate` reads
    them as label,score files (tests/ImbLab.Tests/Metrics/PredictionsGoldenTests.cs); the AUCs are for class 1.
    Drawn from their own generator, so that the cases above keep their values."""
    own = np.random.default_rng(20260610)
    cases = []
    sizes = [(87, 44)] + [(int(n), None) for n in own.integers(40, 400, size=5)]
    for k, (n, ones) in enumerate(sizes):
        if ones is None:
            ones = int(round(n * own.uniform(0.55, 0.9)))
        labels = np.zeros(n, dtype=int)
        labels[own.choice(n, size=ones, replace=False)] = 1
        signal = own.normal(size=n) + 1.3 * labels - 0.4
        p1 = np.round(1 / (1 + np.exp(-signal)), [3, 2][k % 2])
        case = binary_case(f"heldout_majority1_{k}_n{n}_ones{ones}", labels, p1, 1)
        assert labels.sum() * 2 > n  # class 1 is the majority
        assert abs(case["expected"]["roc_auc"] - roc_auc_score(labels, p1.astype(np.float32))) <= 1e-12
        cases.append(case)
    return cases


def rank_cases():
    cases = []
    for k in range(10):
        n = int(rng.integers(2, 400))
        positive = rng.random(n) < [0.5, 0.1, 0.02][k % 3]
        if k == 0:
            positive[:] = False
            positive[0] = True
        scores = np.round(rng.normal(size=n) + positive * 1.0, [0, 1, 2, 6][k % 4])
        roc, ap = rank_metrics(positive, scores)
        cases.append({"name": f"rank_{k}_n{n}", "scores": scores.tolist(), "positive": positive.tolist(),
                      "roc_auc": one(roc), "average_precision": one(ap)})
    return cases


def softmax_cases():
    cases = []
    for k, scale in enumerate([1.0, 10.0, 200.0]):
        n, classes = 25, [2, 3, 5][k]
        logits = (rng.normal(size=(n, classes)) * scale).astype(np.float32)
        labels = rng.integers(classes, size=n)
        z = logits.astype(np.float64)
        lse = logsumexp(z, axis=1)
        cases.append({"name": f"softmax_scale{scale:g}_c{classes}", "classes": classes,
                      "logits": z.ravel().tolist(), "labels": labels.tolist(),
                      "probabilities": np.exp(z - lse[:, None]).ravel().tolist(),
                      "loss": (lse - z[np.arange(n), labels]).tolist()})
    return cases


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/ImbLab.Tests/Fixtures/Metrics/metrics_goldens.json"
    import sklearn
    import imblearn
    fixture = {
        "generator": "tools/reference/metrics_goldens.py",
        "versions": {"numpy": np.__version__, "sklearn": sklearn.__version__, "imblearn": imblearn.__version__},
        "compute": compute_cases() + heldout_cases(),
        "rank": rank_cases(),
        "softmax": softmax_cases(),
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(fixture, f, allow_nan=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {out}: {len(fixture['compute'])} compute, {len(fixture['rank'])} rank, "
          f"{len(fixture['softmax'])} softmax cases")


if __name__ == "__main__":
    main()
