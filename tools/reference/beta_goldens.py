#!/usr/bin/python3
"""Reference values for Rng.NextBeta (the mixup lambda sampler), from scipy.stats.beta.

For alpha in 0.2, 1, 2 (Beta(alpha, alpha), as mixup draws it) it writes the mean, the variance, 4-standard-error
tolerances for the mean and the variance of 20,000 draws, the quantiles at p = 1/1000 ... 999/1000 (the .NET test
reads the empirical CDF there: its largest gap to p bounds the Kolmogorov-Smirnov statistic from below, and that
plus 1/1000 from above), and the 0.1% critical value of the KS statistic for 20,000 draws (scipy.stats.kstwo): a
fixed-seed test of a correct sampler fails at a 1% level once in a hundred seeds, at 0.1% once in a thousand.
Run: /usr/bin/python3 tools/reference/beta_goldens.py  ->  tests/ImbLab.Tests/Fixtures/Engine/beta_goldens.json
"""
import json
import os

import scipy
from scipy import stats

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "ImbLab.Tests", "Fixtures", "Engine", "beta_goldens.json")
DRAWS = 20000
GRID = 1000


def main():
    cases = []
    for alpha in (0.2, 1.0, 2.0):
        d = stats.beta(alpha, alpha)
        mean, var, _, kurt = (float(v) for v in d.stats(moments="mvsk"))
        mu4 = (kurt + 3) * var * var
        ps = [k / GRID for k in range(1, GRID)]
        cases.append({
            "alpha": alpha, "mean": mean, "var": var,
            "mean_tolerance": 4 * (var / DRAWS) ** 0.5,
            "var_tolerance": 4 * ((mu4 - var * var) / DRAWS) ** 0.5,
            "probabilities": ps, "quantiles": [float(q) for q in d.ppf(ps)],
        })
    out = {"scipy": scipy.__version__, "draws": DRAWS, "ks_critical": float(stats.kstwo(DRAWS).ppf(0.999)), "cases": cases}
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
    print(f"wrote {OUT} (scipy {scipy.__version__}, KS 0.1% critical value {out['ks_critical']:.5f})")


if __name__ == "__main__":
    main()
