#!/usr/bin/env python3
"""Compares two ImbLab stores table by table, value for value (bit for bit for REAL and BLOB columns).

Used to show that a change that should not move a number did not: run the same study with the old and the new
build into two stores, then `compare-stores.py OLD.db NEW.db`. Columns that record when or how long (timestamps,
train_seconds) and the ImbLab version are left out; everything a study computes is compared. Exit 0 when equal.
"""
import sqlite3
import struct
import sys

# Columns that legitimately differ between two runs of the same study.
IGNORED = {"created_at", "updated_at", "started_at", "finished_at", "train_seconds", "imblab_version", "value_text"}
# Each table's natural order: rows are compared in this order, so insertion order does not matter.
TABLES = {
    "studies": "study_id",
    "datasets": "dataset_id",
    "runs": "run_id",
    "metrics": "run_id, step, split, class, metric",
    "samples": "run_id, split",
    "sample_signals": "run_id, split, step",
    "gradient_metrics": "run_id, step, layer, class, other_class, metric",
    "representation_metrics": "run_id, step, split, layer, class, other_class, metric",
    "activations": "run_id, split, layer, step",
    "findings": "study_id, dataset, protocol, finding",
}


def columns(db, table):
    return [r[1] for r in db.execute(f"PRAGMA table_info({table})") if r[1] not in IGNORED]


def exact(v):
    # Floats compare by their bits, so -0.0 vs 0.0 or a last-bit change is caught.
    return struct.pack("<d", v) if isinstance(v, float) else v


def main(old_path, new_path):
    old, new = sqlite3.connect(old_path), sqlite3.connect(new_path)
    problems = 0
    for table, order in TABLES.items():
        old_cols, new_cols = columns(old, table), columns(new, table)
        # A newer schema may add columns (e.g. a run's owner while it is in flight): compare what both have, and say
        # what only one side has, which must then be empty (NULL) on every row to count as equal.
        cols = [c for c in old_cols if c in new_cols]
        for side, db, extra in (("old", old, set(old_cols) - set(new_cols)), ("new", new, set(new_cols) - set(old_cols))):
            for c in sorted(extra):
                filled = db.execute(f"SELECT count(*) FROM {table} WHERE {c} IS NOT NULL").fetchone()[0]
                print(f"{table}: column {c} only in the {side} store ({filled} rows not NULL)")
                problems += filled > 0
        sql = f"SELECT {', '.join(cols)} FROM {table} ORDER BY {order}"
        a, b = old.execute(sql).fetchall(), new.execute(sql).fetchall()
        if len(a) != len(b):
            print(f"{table}: {len(a)} rows vs {len(b)}")
            problems += 1
            continue
        diffs = [(i, x, y) for i, (x, y) in enumerate(zip(a, b)) if tuple(map(exact, x)) != tuple(map(exact, y))]
        for i, x, y in diffs[:3]:
            changed = [(c, p, q) for c, p, q in zip(cols, x, y) if exact(p) != exact(q)]
            print(f"{table} row {i}: " + "; ".join(f"{c}: {p!r} -> {q!r}" for c, p, q in changed)[:400])
        if diffs:
            print(f"{table}: {len(diffs)} of {len(a)} rows differ")
            problems += 1
        else:
            print(f"{table}: {len(a)} rows identical")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: compare-stores.py OLD.db NEW.db")
    sys.exit(main(sys.argv[1], sys.argv[2]))
