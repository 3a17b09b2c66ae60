#!/usr/bin/python3
"""Golden values for the across-dataset ranking statistics (src/ImbLab.Analysis/Statistics/Ranking.cs and
StudentizedRange.cs) from scipy 1.10.

Run with Debian's /usr/bin/python3 (numpy, scipy 1.10):
    /usr/bin/python3 tools/reference/ranking_goldens.py > tests/ImbLab.Tests/Fixtures/Dynamics/ranking_goldens.json
Every number names the scipy call that produced it. Demšar's (2006) Table 5 q_alpha values are in the test itself
(they are printed to 3 decimals in the paper); here q_alpha = studentized_range.ppf(1 - alpha, k, inf) / sqrt(2).
"""
import json
import math

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(20261202)
out = {"scipy": scipy.__version__}

# The studentized range distribution: cdf at finite and infinite df, and quantiles.
sr = []
for k in [2, 3, 5, 10, 20]:
    for df in [2.0, 10.0, math.inf]:
        for q in [0.5, 2.0, 3.5, 5.0, 8.0]:
            sr.append({"q": q, "k": k, "df": df if math.isfinite(df) else None, "cdf": float(stats.studentized_range.cdf(q, k, df))})
out["studentized_range_cdf"] = sr
out["studentized_range_ppf"] = [
    {"p": p, "k": k, "df": df if math.isfinite(df) else None, "q": float(stats.studentized_range.ppf(p, k, df))}
    for k in [2, 3, 4, 7, 10, 15] for df in [math.inf] for p in [0.9, 0.95, 0.99]]
out["studentized_range_ppf"] += [
    {"p": 0.95, "k": k, "df": df, "q": float(stats.studentized_range.ppf(0.95, k, df))} for k in [3, 10] for df in [5.0, 20.0]]
out["nemenyi_q"] = [
    {"k": k, "alpha": a, "q": float(stats.studentized_range.ppf(1 - a, k, math.inf) / math.sqrt(2))}
    for k in range(2, 16) for a in [0.05, 0.10]]

out["f_sf"] = [{"x": x, "d1": d1, "d2": d2, "sf": float(stats.f.sf(x, d1, d2))}
               for d1, d2 in [(1, 1), (2, 10), (4, 36), (9, 90), (3, 5)] for x in [0.01, 0.7, 1.5, 4.0, 30.0]]


def arr(a):
    return [float(v) for v in a]


def holm(p):
    p = np.asarray(p)
    order = np.argsort(p)
    m = len(p)
    adj = np.empty(m)
    running = 0.0
    for i, idx in enumerate(order):
        running = max(running, min(1.0, (m - i) * p[idx]))
        adj[idx] = running
    return adj


# Whole comparisons: blocks (datasets) x treatments, treatment 0 the control, higher is better.
cases = []
for blocks, k, ties, seed_shift in [(6, 3, False, 0.3), (10, 5, True, 0.2), (14, 4, False, 0.05), (30, 6, False, 0.1)]:
    data = rng.normal(0.7, 0.05, (blocks, k)) + np.arange(k) * seed_shift * 0.1
    if ties:
        data = np.round(data, 1)
    ranks = np.array([stats.rankdata(-row, method="average") for row in data])  # 1 = best (largest)
    avg = ranks.mean(axis=0)
    fr = stats.friedmanchisquare(*[data[:, j] for j in range(k)])
    chi = float(fr.statistic)
    n = blocks
    f = (n - 1) * chi / (n * (k - 1) - chi)
    f_p = float(stats.f.sf(f, k - 1, (k - 1) * (n - 1)))
    q = float(stats.studentized_range.ppf(0.95, k, math.inf) / math.sqrt(2))
    cd = q * math.sqrt(k * (k + 1) / (6 * n))
    wil = []
    for j in range(1, k):
        d = data[:, j] - data[:, 0]
        dz = d[d != 0]
        ties_abs = len(np.unique(np.abs(dz))) != len(dz)
        mode = "exact" if len(dz) <= 25 and not ties_abs else "approx"
        r = stats.wilcoxon(d, zero_method="wilcox", correction=False, alternative="two-sided", mode=mode)
        wil.append({"treatment": j, "median": float(np.median(d)), "statistic": float(r.statistic), "p": float(r.pvalue)})
    adj = holm([w["p"] for w in wil])
    for w, a in zip(wil, adj):
        w["holm"] = float(a)
    cases.append({"data": [arr(row) for row in data], "average_ranks": arr(avg), "friedman_chi2": chi, "friedman_p": float(fr.pvalue),
                  "iman_davenport_f": f, "iman_davenport_p": f_p, "q_alpha": q, "cd": cd, "versus_control": wil})
out["comparisons"] = cases


def clean(v):
    if isinstance(v, dict):
        return {k: clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [clean(x) for x in v]
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else float(v)
    return v


print(json.dumps(clean(out), indent=1))
