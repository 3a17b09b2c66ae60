#!/usr/bin/python3
"""Golden values for ImbLab's statistics (src/ImbLab.Analysis/Statistics) from scipy 1.10.

Run with Debian's /usr/bin/python3 (numpy, scipy 1.10):
    /usr/bin/python3 tools/reference/stats_goldens.py > tests/ImbLab.Tests/Fixtures/Dynamics/stats_goldens.json
Every case names the scipy call that produced it, so a failing test says which convention drifted.
"""
import json
import math

import numpy as np
import scipy
from scipy import special, stats

rng = np.random.default_rng(20260521)
out = {"scipy": scipy.__version__}

# Distribution functions over a grid that includes far tails.
out["normal"] = [{"x": x, "cdf": stats.norm.cdf(x), "sf": stats.norm.sf(x)} for x in
                 [-37.5, -20.0, -8.0, -3.0, -1.96, -0.5, 0.0, 0.3, 1.0, 2.5, 6.0, 12.0]]
out["normal_quantile"] = [{"p": p, "x": stats.norm.ppf(p)} for p in
                          [1e-300, 1e-20, 1e-8, 0.001, 0.025, 0.2, 0.5, 0.7, 0.975, 0.999, 1 - 1e-12]]
out["t"] = [{"t": t, "df": df, "cdf": stats.t.cdf(t, df), "sf": stats.t.sf(t, df)}
            for df in [1, 2, 3.5, 4, 10, 29, 200] for t in [-50.0, -4.0, -1.0, 0.0, 0.4, 2.0, 7.0, 100.0]]


def t_ppf(p, df):
    """scipy 1.10's t.ppf (cephes stdtrit) is only good to ~1e-9 relative (t.sf at t.ppf(0.001, 4) is 1.0000000025e-3),
    while its t.cdf/t.sf are accurate to ~1e-15: polish the quantile with Newton steps on the lower tail."""
    x = stats.t.ppf(p, df)
    for _ in range(3):
        if p < 0.5:
            x = x - (stats.t.cdf(x, df) - p) / stats.t.pdf(x, df)
        else:
            x = x + (stats.t.sf(x, df) - (1 - p)) / stats.t.pdf(x, df)
    return x


out["t_quantile"] = [{"p": p, "df": df, "x": t_ppf(p, df)}
                     for df in [1, 2, 4, 9, 30, 1000] for p in [1e-10, 0.001, 0.025, 0.3, 0.5, 0.9, 0.975, 0.9999]]
out["chi2"] = [{"x": x, "df": df, "cdf": stats.chi2.cdf(x, df), "sf": stats.chi2.sf(x, df)}
               for df in [1, 2, 3, 7, 30, 150] for x in [0.01, 0.5, 2.0, 6.0, 15.0, 40.0, 200.0, 600.0]]
out["gammaln"] = [{"x": x, "v": special.gammaln(x)} for x in [1e-8, 0.1, 0.5, 1.0, 1.5, 2.0, 3.7, 10.0, 57.3, 1000.0, 1e6]]
out["betainc"] = [{"a": a, "b": b, "x": x, "v": special.betainc(a, b, x)}
                  for (a, b) in [(0.5, 0.5), (1, 3), (2.5, 0.5), (10, 20), (50, 40), (0.1, 7)] for x in [1e-6, 0.05, 0.3, 0.5, 0.8, 0.999]]
out["gammainc"] = [{"a": a, "x": x, "p": special.gammainc(a, x), "q": special.gammaincc(a, x)}
                   for a in [0.5, 1, 2.5, 10, 75] for x in [1e-4, 0.3, 1.0, 5.0, 20.0, 100.0]]


def arr(a):
    return [float(v) for v in a]


cases = []
for n in [3, 5, 8, 20, 41]:
    x = rng.normal(0.3, 1.0, n)
    y = x * 0.6 + rng.normal(0, 1.0, n)
    y2 = np.round(rng.normal(0, 1.0, n), 0)  # heavy ties
    tq = t_ppf(0.975, n - 1)
    lo, hi = x.mean() - tq * stats.sem(x), x.mean() + tq * stats.sem(x)
    t1 = stats.ttest_1samp(x, 0.1)
    sp = stats.spearmanr(x, y)
    sp_t = stats.spearmanr(x, y2)
    kt = stats.kendalltau(x, y, method="asymptotic")
    kt_t = stats.kendalltau(np.round(x), y2, method="asymptotic")
    d = x - y
    walsh = [(d[i] + d[j]) / 2 for i in range(n) for j in range(i, n)]
    pooled = math.sqrt(((n - 1) * x.var(ddof=1) + (n - 1) * y[: n].var(ddof=1)) / (2 * n - 2))
    cohen = (x.mean() - y.mean()) / pooled
    df = 2 * n - 2
    j = math.exp(special.gammaln(df / 2) - 0.5 * math.log(df / 2) - special.gammaln((df - 1) / 2))
    cliff = (np.sum(x[:, None] > y[None, :]) - np.sum(x[:, None] < y[None, :])) / (n * n)
    case = {
        "x": arr(x), "y": arr(y), "y_ties": arr(y2),
        "mean": x.mean(), "t_low": lo, "t_high": hi,
        "ttest_1samp_mu": 0.1, "ttest_1samp_t": t1.statistic, "ttest_1samp_p": t1.pvalue,
        "spearman_r": sp.correlation, "spearman_p": sp.pvalue,
        "spearman_ties_r": sp_t.correlation, "spearman_ties_p": sp_t.pvalue,
        "kendall_tau": kt.correlation, "kendall_p": kt.pvalue,
        "kendall_ties_tau": kt_t.correlation, "kendall_ties_p": kt_t.pvalue,
        "hl_two_sample": float(np.median(np.subtract.outer(x, y).ravel())),
        "hl_paired": float(np.median(walsh)),
        "cohen_d": cohen, "hedges_g": cohen * j, "cliffs_delta": float(cliff),
        "ttest_rel_p": stats.ttest_rel(x, y).pvalue,
    }
    if n >= 6:
        k = 0
        cdf = 0.0
        for jj in range(n // 2 + 1):
            cdf += stats.binom.pmf(jj, n, 0.5)
            if cdf <= 0.025:
                k = jj + 1
            else:
                break
        xs = np.sort(x)
        case["median"] = float(np.median(x))
        case["median_low"] = float(xs[k - 1])
        case["median_high"] = float(xs[n - k])
    cases.append(case)
out["samples"] = cases

# Wilcoxon signed-rank: exact without ties (n <= 25), normal approximation with ties / zeros / n > 25.
wil = []
for n, kind in [(5, "exact"), (9, "exact"), (20, "exact"), (25, "exact"), (30, "approx"), (12, "ties"), (15, "zeros")]:
    d = rng.normal(0.4, 1.0, n)
    if kind == "ties":
        d = np.round(d * 2) / 2
        d[d == 0] = 0.5
    if kind == "zeros":
        d = np.round(d * 2) / 2
    mode = "exact" if kind == "exact" else "approx"
    r = stats.wilcoxon(d, zero_method="wilcox", correction=False, alternative="two-sided", mode=mode)
    wil.append({"d": arr(d), "statistic": float(r.statistic), "p": float(r.pvalue), "mode": mode})
out["wilcoxon"] = wil

# Friedman: blocks x treatments, one case with ties.
fr = []
for blocks, k, ties in [(6, 3, False), (10, 4, True), (25, 5, False)]:
    data = rng.normal(0, 1, (blocks, k)) + np.arange(k) * 0.4
    if ties:
        data = np.round(data)
    r = stats.friedmanchisquare(*[data[:, j] for j in range(k)])
    fr.append({"data": [arr(row) for row in data], "statistic": float(r.statistic), "p": float(r.pvalue)})
out["friedman"] = fr

# Holm step-down, written out (statsmodels' multipletests(method='holm') gives the same).
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
hp = [0.01, 0.04, 0.03, 0.005, 0.2, 0.6]
out["holm"] = {"p": hp, "adjusted": arr(holm(hp))}

# Wilson interval: the score interval (statsmodels proportion_confint(method='wilson') formula).
def wilson(s, n, z=stats.norm.ppf(0.975)):
    p = s / n
    den = 1 + z * z / n
    c = (p + z * z / (2 * n)) / den
    h = z / den * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return [max(0.0, c - h), min(1.0, c + h)]
out["wilson"] = [{"s": s, "n": n, "ci": wilson(s, n)} for s, n in [(0, 10), (3, 10), (10, 10), (47, 120)]]

def clean(v):
    """JSON has no NaN: undefined values are written as null (the tests read null as NaN)."""
    if isinstance(v, dict):
        return {k: clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [clean(x) for x in v]
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else float(v)
    return v


print(json.dumps(clean(out), indent=1))
