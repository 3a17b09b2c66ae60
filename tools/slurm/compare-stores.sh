#!/usr/bin/env bash
# Compares two ImbLab stores table by table, value for value, with the sqlite3 CLI only (no Python on a fresh machine):
# every row of every table, sorted, with REAL values printed with 17 significant digits (which round-trips a double
# exactly) and BLOBs (the per-sample signals) in hex. Left out: when and how long (timestamps, train_seconds), who
# trained a run (owner host, pid, token, heartbeat) and the ImbLab version. Exit 0 when equal, 1 with a diff otherwise.
# Usage: tools/slurm/compare-stores.sh A.db B.db
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: compare-stores.sh A.db B.db" >&2; exit 2; }
ignored=" created_at updated_at started_at finished_at train_seconds imblab_version owner_host owner_pid owner_token heartbeat_at "
tables=(studies datasets runs metrics samples sample_signals gradient_metrics representation_metrics activations findings)

dump() { # dump DB TABLE: the table's compared columns, one line per row, sorted
  local db="$1" table="$2" cols=() c
  while IFS= read -r c; do [[ "$ignored" == *" $c "* ]] || cols+=("$c"); done < <(sqlite3 "$db" "SELECT name FROM pragma_table_info('$table')")
  [[ ${#cols[@]} -gt 0 ]] || return 0
  local exprs=()
  for c in "${cols[@]}"; do
    exprs+=("CASE typeof($c) WHEN 'real' THEN printf('%!.17g', $c) WHEN 'blob' THEN 'x' || hex($c) ELSE quote($c) END")
  done
  local IFS=,
  sqlite3 -separator '|' "$db" "SELECT ${exprs[*]} FROM $table" | LC_ALL=C sort
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
for table in "${tables[@]}"; do
  dump "$1" "$table" > "$work/a"
  dump "$2" "$table" > "$work/b"
  if cmp -s "$work/a" "$work/b"; then
    echo "  $table: $(wc -l < "$work/a") rows identical"
  else
    echo "  $table: differs ($(wc -l < "$work/a") vs $(wc -l < "$work/b") rows); first differences:"
    diff "$work/a" "$work/b" | head -6 | cut -c1-300 | sed 's/^/    /'
    status=1
  fi
done
exit $status
