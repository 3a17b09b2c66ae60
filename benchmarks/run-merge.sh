#!/usr/bin/env bash
# `imblab merge` of many shard stores: time and peak memory (it must stream, not load whole stores).
# Trains one real shard (shard 1 of N of a study of N x ~RUNS runs: synthetic data, few epochs), then makes the other N-1
# shard stores as copies of it whose runs get new ids (training N x RUNS runs would take most of an hour on 2 cores; the
# merge copies rows and does not care what numbers they hold). Then times `imblab merge` (which also states the findings
# of the whole merged study, as `study` does) and, for comparison, `imblab findings` alone on the merged store: the
# difference is what merging costs beyond reading the study back.
# Usage: benchmarks/run-merge.sh [SHARDS] [OUT_FOLDER]   (default 100 shards, a temporary folder)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shards="${1:-100}"
out="${2:-$(mktemp -d)}"
cd "$root"
t() { /usr/bin/time -f "%e s wall, %U s user CPU, %M KB peak resident" "$@"; }
mkdir -p "$out"
./imblab --version >/dev/null # build first, so no timing below includes a build
# 4 IRs x 25 x N seeds = 100 x N runs; the greedy partition gives shard 1 about 100 of them.
seeds=$((25 * shards))
echo "training shard 1/$shards of a study of $((100 * shards)) runs into $out/shard-1.db ..."
t ./imblab study --data synthetic:rows=1000,d=8 --ir 1,2,5,10 --seeds "$seeds" --epochs 5 --hidden 32,32 --threads 2 \
  --shard "1/$shards" --out "$out/shard-1.db" --no-report >/dev/null 2>"$out/shard.err" || { tail -3 "$out/shard.err"; exit 1; }
echo "shard 1:  $(tail -1 "$out/shard.err")"
echo "copying it into shards 2..$shards with new run ids ..."
python3 - "$out" "$shards" <<'PY'
import shutil, sqlite3, sys
out, shards = sys.argv[1], int(sys.argv[2])
first = f"{out}/shard-1.db"
c = sqlite3.connect(first); c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.close()
for k in range(2, shards + 1):
    path = f"{out}/shard-{k}.db"
    shutil.copyfile(first, path)
    db = sqlite3.connect(path)
    tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
              if any(col[1] == "run_id" for col in db.execute(f"PRAGMA table_info({t})"))]
    db.execute("PRAGMA foreign_keys=OFF")
    for t in tables:  # run ids stay 20 characters: 16 of the original and 4 of the copy's number
        db.execute(f"UPDATE {t} SET run_id = substr(run_id, 1, 16) || printf('%04x', ?)", (k,))
    db.execute("UPDATE meta SET value = ? WHERE key LIKE 'shards:%'", (f"{k}/{shards}",))
    db.commit(); db.close()
PY
runs=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from runs').fetchone()[0])" "$out/shard-1.db")
size=$(du -cm "$out"/shard-*.db | tail -1 | cut -f1)
echo "$shards shard stores of $runs runs each, $size MB in all"
t ./imblab merge "$out/merged.db" "$out"/shard-*.db --no-report >/dev/null 2>"$out/merge.err" || { tail -3 "$out/merge.err"; exit 1; }
echo "merge:    $(tail -1 "$out/merge.err")"
grep -E "^(read|stated)" "$out/merge.err" | sed 's/^/          /'
t ./imblab merge "$out/merged.db" "$out"/shard-*.db --no-report >/dev/null 2>"$out/merge2.err" || { tail -3 "$out/merge2.err"; exit 1; }
echo "again:    $(tail -1 "$out/merge2.err")   (nothing new to copy)"
t ./imblab findings "$out/merged.db" >/dev/null 2>"$out/findings.err"
echo "findings: $(tail -1 "$out/findings.err")   (reading the merged study back and stating its findings, no merge)"
echo "merged store: $(du -m "$out/merged.db" | cut -f1) MB"
