#!/usr/bin/env python3
"""Writes studies/keel-imbalance.json: the study's design (subsample-minority, with fixed-n as the control) on a few KEEL
sets, each with an imbalance-ratio grid its training parts can serve.

The grid of a dataset is read off ImbLab's own dry run (what subsample-minority reaches on every split of the study):
  - its natural IR, rounded up to two decimals so that it is feasible on every split (subsample-minority then keeps
    nearly every minority row: the natural training part);
  - then the values of LADDER that are at least 1.5 x the natural IR and still leave at least MIN_MINORITY minority
    training rows on every split, at most LEVELS - 1 of them, spread over that range (first, last, and evenly between).
Levels of the ladder are shared across datasets, so the report's comparisons across datasets have common levels.

Usage (from the repository root): tools/keel-grids.py [--check]
  --check: exit 1 when studies/keel-imbalance.json differs from what this script writes (the grids are reproducible).
"""
import json
import math
import subprocess
import sys

OUT = "studies/keel-imbalance.json"
# Chosen to span the corpus's range of natural IRs (1.9 to 39) with at least 10 minority test rows each, and to keep
# the whole study well under 15 minutes on 2 cores.
DATASETS = ["pima", "yeast1", "vehicle0", "segment0", "yeast3", "vowel0", "shuttle-c0-vs-c4", "abalone9-18", "yeast4",
            "winequality-red-4"]
LADDER = [2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000]
MIN_MINORITY = 10
LEVELS = 4
STUDY = {
    "name": "keel-imbalance",
    "protocols": ["subsample-minority", "fixed-n"],
    "seeds": 5,
    "split": "holdout",
    "model": {"hidden": [64, 64, 64], "epochs": 200, "optimizer": "adam", "learning_rate": 0.001, "batch_size": 32},
}


def path(name):
    return f"data/keel/{name}/{name}.dat"


def feasible_ranges():
    """Per dataset: (IR above which subsample-minority is feasible, fewest majority training rows), from the dry run."""
    data = ",".join(path(n) for n in DATASETS)
    out = subprocess.run(["./imblab", "study", "--data", data, "--protocol", "natural", "--seeds", str(STUDY["seeds"]),
                          "--split", STUDY["split"], "--dry-run", "--json"], check=True, capture_output=True, text=True).stdout
    return {d["name"]: (d["subsample_minority"]["above"], d["subsample_minority"]["train_majority"])
            for d in json.loads(out)["datasets"]}


def grid(above, majority):
    natural = (math.floor(above * 100) + 1) / 100
    top = majority / MIN_MINORITY
    steps = [ir for ir in LADDER if 1.5 * natural <= ir <= top]
    if len(steps) > LEVELS - 1:
        picks = sorted({round(i * (len(steps) - 1) / (LEVELS - 2)) for i in range(LEVELS - 1)})
        steps = [steps[i] for i in picks]
    return [natural] + steps


def main():
    ranges = feasible_ranges()
    study = {"name": STUDY["name"],
             "data": [{"path": path(n), "irs": grid(*ranges[n])} for n in DATASETS]}
    study.update({k: v for k, v in STUDY.items() if k != "name"})
    lines = ["{", f'  "name": {json.dumps(study["name"])},', '  "data": [']
    lines += [f"    {json.dumps(e)}{',' if i < len(study['data']) - 1 else ''}" for i, e in enumerate(study["data"])]
    lines += ["  ],"] + [f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in STUDY.items() if k != "name"]
    text = "\n".join(lines).rstrip(",") + "\n}\n"
    if "--check" in sys.argv[1:]:
        with open(OUT) as f:
            if f.read() != text:
                print(f"{OUT} differs from what tools/keel-grids.py writes", file=sys.stderr)
                sys.exit(1)
        return
    with open(OUT, "w") as f:
        f.write(text)
    for e in study["data"]:
        print(e["path"], e["irs"])


if __name__ == "__main__":
    main()
