#!/usr/bin/python3
"""Goldens for ImbLab's loss remedies (src/ImbLab.Engine/Losses), computed by PyTorch autograd in float64.

For fixed logits (multiples of 2^-9, so exact in float32), labels and class counts it writes every loss's batch value
and its gradient with respect to the logits (which is what the engine's ILoss.Mean writes as deltas), on a plain batch
and on a mixed batch (second label and the first label's share per row). Where the remedy's authors published code,
the plain batch follows it (LDAM: Cao et al.'s LDAMLoss; class-balanced weights: Cui et al.'s effective-number code;
weighted CE and label smoothing: torch's own cross_entropy; group DRO: Sagawa et al.'s LossComputer); the mixed batch
follows ImbLab's definition (docs/remedies-losses.md), each row share * l(z, y1) + (1 - share) * l(z, y2).
Also the class-weight tables (3313 vs 26 rows at beta 0.9 .. 0.9999, inverse, square root) from plain Python floats,
and group DRO over three consecutive batches (q and the loss after each).

Run: /usr/bin/python3 tools/reference/remedy_loss_goldens.py
Output: tests/ImbLab.Tests/Fixtures/Engine/remedy_loss_goldens.json
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "ImbLab.Tests", "Fixtures", "Engine")
torch.set_default_dtype(torch.float64)


# ---- class weights, from plain floats -------------------------------------------------------------------------------

def inverse(counts):
    """w_c = N / (C n_c) over the classes that have rows (mean weight 1 over rows, as sklearn's 'balanced'); 0 for empty classes."""
    present = [n for n in counts if n > 0]
    total, c = sum(present), len(present)
    return [total / (c * n) if n > 0 else 0.0 for n in counts]


def inverse_sqrt(counts):
    """w_c proportional to (n_min / n_c)^(1/2), normalised to sum to C (classes with rows); 0 for empty classes."""
    present = [n for n in counts if n > 0]
    n_min = min(present)
    raw = [math.sqrt(n_min / n) if n > 0 else 0.0 for n in counts]
    return [len(present) * r / sum(raw) for r in raw]


def effective(counts, beta):
    """Cui et al. 2019: (1 - beta) / (1 - beta^n_c), normalised to sum to C (classes with rows); 0 for empty classes."""
    raw = [(1 - beta) / (1 - math.pow(beta, n)) if n > 0 else 0.0 for n in counts]
    c = sum(1 for n in counts if n > 0)
    return [c * r / sum(raw) for r in raw]


def effective_cui(counts, beta):
    """The authors' numpy form (class-balanced-loss, cb_loss): the cross-check of effective() where every class has rows."""
    effective_num = 1.0 - np.power(beta, counts)
    weights = (1.0 - beta) / np.array(effective_num)
    return (weights / np.sum(weights) * len(counts)).tolist()


# ---- losses on a batch; each returns the batch loss as a differentiable scalar --------------------------------------

def per_label(row_loss, z, y, y2=None, share=None):
    """Per-row losses for the first label, and for the second (None when the batch is not mixed)."""
    first = row_loss(z, y)
    return first, (None if y2 is None else row_loss(z, y2))


def mix(first, second, share):
    return first if second is None else share * first + (1 - share) * second


def weighted_mean(first, second, share, w, y, y2):
    """sum_r w-weighted row losses / sum_r weights; mixed: each label's weight scaled by its share."""
    if second is None:
        return (w[y] * first).sum() / w[y].sum()
    return (share * w[y] * first + (1 - share) * w[y2] * second).sum() / (share * w[y] + (1 - share) * w[y2]).sum()


def ce_rows(z, y):
    return F.cross_entropy(z, y, reduction="none")


def ldam_m_list(counts, max_m):
    # Cao et al.'s LDAMLoss.__init__, verbatim in numpy.
    m_list = 1.0 / np.sqrt(np.sqrt(np.array(counts, dtype=np.float64)))
    m_list = m_list * (max_m / np.max(m_list))
    return torch.tensor(m_list)


def ldam_authors(z, y, counts, max_m=0.5, s=30.0, weight=None):
    """Cao et al.'s LDAMLoss.forward, on a plain batch."""
    m_list = ldam_m_list(counts, max_m)
    index = torch.zeros_like(z, dtype=torch.uint8)
    index.scatter_(1, y.view(-1, 1), 1)
    index_float = index.type(torch.float64)
    batch_m = torch.matmul(m_list[None, :], index_float.transpose(0, 1)).view((-1, 1))
    x_m = z - batch_m
    output = torch.where(index.bool(), x_m, z)
    return F.cross_entropy(s * output, y, weight=weight)


def ldam_rows(counts, max_m=0.5, s=30.0):
    m_list = ldam_m_list(counts, max_m)

    def rows(z, y):
        margin = torch.zeros_like(z)
        margin[torch.arange(len(y)), y] = m_list[y]
        return F.cross_entropy(s * (z - margin), y, reduction="none")
    return rows


def focal_rows(gamma, alpha=None):
    def rows(z, y):
        logp = F.log_softmax(z, dim=1).gather(1, y.view(-1, 1)).view(-1)
        loss = -((1 - logp.exp()) ** gamma) * logp
        return loss if alpha is None else alpha[y] * loss
    return rows


def label_smoothing_rows(eps, classes):
    def rows(z, y):
        target = (1 - eps) * F.one_hot(y, classes) + eps / classes
        return -(target * F.log_softmax(z, dim=1)).sum(1)
    return rows


def shifted_rows(offset=None, scale=None):
    """CE on z * scale + offset per class: balanced softmax, the logit-adjusted loss, CDT (scale 1 / a_c)."""
    def rows(z, y):
        t = z if scale is None else z * scale
        t = t if offset is None else t + offset
        return F.cross_entropy(t, y, reduction="none")
    return rows


def log_prior(counts):
    n = torch.tensor(counts, dtype=torch.float64)
    return torch.log(n / n.sum())


def cdt_scale(counts, gamma):
    n = torch.tensor(counts, dtype=torch.float64)
    return 1.0 / (n.max() / n) ** gamma


def loss_table(counts, classes):
    """name -> (row loss, weights or None, the authors' / torch's form on a plain batch or None)."""
    inv = torch.tensor(inverse(counts))
    sqrt = torch.tensor(inverse_sqrt(counts))
    cb999 = torch.tensor(effective(counts, 0.999))
    cb9999 = torch.tensor(effective(counts, 0.9999))
    alpha = torch.tensor([0.25] + [0.75] * (classes - 1))
    return {
        "ce": (ce_rows, None, lambda z, y: F.cross_entropy(z, y)),
        "weighted_inverse": (ce_rows, inv, lambda z, y: F.cross_entropy(z, y, weight=inv)),
        "weighted_sqrt": (ce_rows, sqrt, lambda z, y: F.cross_entropy(z, y, weight=sqrt)),
        "cb_0.999": (ce_rows, cb999, lambda z, y: F.cross_entropy(z, y, weight=cb999)),
        "cb_0.9999": (ce_rows, cb9999, lambda z, y: F.cross_entropy(z, y, weight=cb9999)),
        "focal_2": (focal_rows(2.0), None, None),
        "focal_0.5_alpha": (focal_rows(0.5, alpha), None, None),
        "ldam": (ldam_rows(counts), None, lambda z, y: ldam_authors(z, y, counts)),
        "ldam_cb_0.9999": (ldam_rows(counts), cb9999, lambda z, y: ldam_authors(z, y, counts, weight=cb9999)),
        "ldam_0.3_s10": (ldam_rows(counts, 0.3, 10.0), None, lambda z, y: ldam_authors(z, y, counts, 0.3, 10.0)),
        "balanced_softmax": (shifted_rows(offset=log_prior(counts)), None, None),
        "la_1": (shifted_rows(offset=log_prior(counts)), None, None),
        "la_0.5": (shifted_rows(offset=0.5 * log_prior(counts)), None, None),
        "cdt_0.1": (shifted_rows(scale=cdt_scale(counts, 0.1)), None, None),
        "cdt_0.3": (shifted_rows(scale=cdt_scale(counts, 0.3)), None, None),
        "label_smoothing_0.1": (label_smoothing_rows(0.1, classes),
                                None, lambda z, y: F.cross_entropy(z, y, label_smoothing=0.1)),
    }


def value_and_grad(fn, logits):
    z = torch.tensor(logits, requires_grad=True)
    loss = fn(z)
    loss.backward()
    return float(loss), z.grad.reshape(-1).tolist()


def batch_loss(row_loss, w, z, y, y2=None, share=None):
    first, second = per_label(row_loss, z, y, y2, share)
    if w is not None:
        return weighted_mean(first, second, share, w, y, y2)
    return mix(first, second, share).mean()


def grid(rng, rows, classes, low, high):
    """Logits on a 2^-9 grid (exact in float32)."""
    return (rng.integers(low * 512, high * 512, size=(rows, classes)) / 512.0).tolist()


def loss_case(name, counts, logits, labels, mix_labels, shares):
    classes = len(counts)
    y, y2, share = torch.tensor(labels), torch.tensor(mix_labels), torch.tensor(shares)
    out = []
    for loss, (row_loss, w, authors) in loss_table(counts, classes).items():
        mean, grad = value_and_grad(lambda z: batch_loss(row_loss, w, z, y), logits)
        if authors is not None:
            # The published / library form of the plain batch must be the same number as the row-wise definition.
            ref, ref_grad = value_and_grad(lambda z: authors(z, y), logits)
            assert abs(ref - mean) <= 1e-12 * max(1.0, abs(mean)), (name, loss, ref, mean)
            assert max(abs(a - b) for a, b in zip(ref_grad, grad)) <= 1e-12, (name, loss)
        mixed_mean, mixed_grad = value_and_grad(lambda z: batch_loss(row_loss, w, z, y, y2, share), logits)
        out.append({"loss": loss, "mean": mean, "grad": grad, "mixed_mean": mixed_mean, "mixed_grad": mixed_grad})
    return {"name": name, "counts": counts, "logits": [v for row in logits for v in row], "labels": labels,
            "mix_labels": mix_labels, "shares": shares, "losses": out}


# ---- group DRO ------------------------------------------------------------------------------------------------------

class LossComputer:
    """The parts of Sagawa et al.'s group_DRO LossComputer that apply with groups = classes (no adjustment, no
    loss normalisation, not btl): group means of the per-row losses, q <- q exp(eta L), renormalise, loss = L . q."""

    def __init__(self, n_groups, step_size):
        self.n_groups = n_groups
        self.step_size = step_size
        self.adv_probs = torch.ones(n_groups) / n_groups

    def compute_group_avg(self, losses, group_idx):
        group_map = (group_idx == torch.arange(self.n_groups).unsqueeze(1).long()).double()
        group_count = group_map.sum(1)
        group_denom = group_count + (group_count == 0).double()
        group_loss = (group_map @ losses.view(-1)) / group_denom
        return group_loss, group_count

    def compute_robust_loss(self, group_loss):
        adjusted_loss = group_loss
        self.adv_probs = self.adv_probs * torch.exp(self.step_size * adjusted_loss.data)
        self.adv_probs = self.adv_probs / (self.adv_probs.sum())
        return group_loss @ self.adv_probs

    def loss(self, z, y):
        group_loss, _ = self.compute_group_avg(F.cross_entropy(z, y, reduction="none"), y)
        return self.compute_robust_loss(group_loss)


def gdro_mixed_loss(q, eta, z, y, y2, share):
    """ImbLab's mixed batch: row r counts share_r in group y1 and 1 - share_r in group y2 (docs/remedies-losses.md)."""
    n = len(q)
    m1 = F.one_hot(y, n).double() * share.view(-1, 1)
    m2 = F.one_hot(y2, n).double() * (1 - share).view(-1, 1)
    l1 = F.cross_entropy(z, y, reduction="none")
    l2 = F.cross_entropy(z, y2, reduction="none")
    count = (m1 + m2).sum(0)
    group_loss = (m1.T @ l1 + m2.T @ l2) / (count + (count == 0).double())
    q = q * torch.exp(eta * group_loss.data)
    q = q / q.sum()
    return group_loss @ q, q


def gdro_cases(rng):
    out = []
    # Batch 2 has no row of class 2: its group loss is 0 there, so its q only shrinks by the renormalisation.
    labels = [[0, 1, 2, 0, 0, 1, 2, 0], [0, 0, 1, 0, 1, 0, 0, 1], [2, 2, 1, 0, 0, 0, 1, 2]]
    batches = [(grid(rng, 8, 3, -3, 3), y) for y in labels]
    for eta in [0.01, 1.0]:
        computer = LossComputer(3, eta)
        steps = []
        for logits, y in batches:
            loss, grad = value_and_grad(lambda z: computer.loss(z, torch.tensor(y)), logits)
            steps.append({"logits": [v for row in logits for v in row], "labels": y, "loss": loss, "grad": grad,
                          "q": computer.adv_probs.tolist()})
        # The probes' Sum after the three batches: sum_r C q_{y_r} l_r on the last batch, q not updated.
        logits, y = batches[-1]
        q = computer.adv_probs
        last_sum, last_sum_grad = value_and_grad(
            lambda z: (3 * q[torch.tensor(y)] * F.cross_entropy(z, torch.tensor(y), reduction="none")).sum(), logits)
        mixed_logits = grid(rng, 6, 3, -3, 3)
        y1, y2 = [0, 1, 2, 0, 1, 0], [1, 1, 0, 2, 0, 0]
        shares = [0.75, 0.5, 0.125, 1.0, 0.0, 0.375]
        mixed_q = {}

        def mixed(z):
            value, mixed_q["q"] = gdro_mixed_loss(torch.ones(3) / 3, eta, z, torch.tensor(y1), torch.tensor(y2),
                                                  torch.tensor(shares))
            return value
        mixed_mean, mixed_grad = value_and_grad(mixed, mixed_logits)
        out.append({"eta": eta, "steps": steps, "sum_after": last_sum, "sum_after_grad": last_sum_grad,
                    "mixed": {"logits": [v for row in mixed_logits for v in row], "labels": y1, "mix_labels": y2,
                              "shares": shares, "loss": mixed_mean, "grad": mixed_grad, "q": mixed_q["q"].tolist()}})
    return out


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261202)

    weights = []
    for counts in [[3313, 26], [500, 60, 7], [40, 40], [3313, 0, 26]]:
        entry = {"counts": counts, "inverse": inverse(counts), "inverse_sqrt": inverse_sqrt(counts), "effective": []}
        for beta in [0.9, 0.99, 0.999, 0.9999]:
            w = effective(counts, beta)
            if all(n > 0 for n in counts):
                assert max(abs(a - b) for a, b in zip(w, effective_cui(counts, beta))) < 1e-14
            entry["effective"].append({"beta": beta, "weights": w})
        weights.append(entry)

    # Binary: 3313 vs 26 rows; the last two rows are confident (p_t near 1, and near 0) to test focal's (1 - p)^gamma.
    binary = grid(rng, 8, 2, -3, 3) + [[5.5, -4.25], [-4.5, 6.0]]
    binary_labels = [0, 1, 0, 1, 1, 0, 1, 0, 0, 0]
    binary_mix = [1, 1, 0, 0, 1, 1, 0, 0, 1, 1]
    shares = [0.75, 0.5, 0.125, 1.0, 0.0, 0.375, 0.625, 0.875, 0.25, 0.5]
    three = grid(rng, 9, 3, -3, 3)
    three_labels = [0, 1, 2, 0, 2, 1, 0, 0, 2]
    three_mix = [2, 0, 1, 0, 1, 1, 2, 1, 0]
    three_shares = [0.5, 0.25, 0.875, 0.0, 1.0, 0.625, 0.375, 0.75, 0.125]
    cases = [
        loss_case("binary_3313_26", [3313, 26], binary, binary_labels, binary_mix, shares),
        loss_case("three_500_60_7", [500, 60, 7], three, three_labels, three_mix, three_shares),
    ]

    out = {"torch": torch.__version__, "weights": weights, "cases": cases, "gdro": gdro_cases(rng)}
    with open(os.path.join(OUT, "remedy_loss_goldens.json"), "w") as f:
        json.dump(out, f, indent=1)
    print(f"wrote remedy_loss_goldens.json (torch {torch.__version__})")


if __name__ == "__main__":
    main()
