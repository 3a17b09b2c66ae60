#!/usr/bin/env bash
# ImbLab on a full disk and on a read-only store, for real (the suite fakes a full store with a page limit and cannot
# make a folder read-only for root). In a private mount namespace, so no mount is seen outside it or outlives it:
#   1. a full disk: a study whose store is on a tmpfs too small for it (as large as its finished store, which its
#      write-ahead log outgrows while the study runs) stops with one line naming the store
#      and the full disk, exit 1; its finished runs are intact (sqlite3: integrity_check, count) and readable while the
#      disk is still full; with room again the same command finishes the study, equal to a one-process run; on a full
#      disk under the closed store, status still reads it and a study says the disk is full;
#   2. outputs into a full folder: the report and the export fail with one line and exit 1, and the files written there
#      before are left exactly as they were (no half-written file under a final name, no temporary file left);
#   3. a read-only store (a read-only bind mount): status, findings (stated, with one line saying they were not saved),
#      export and report elsewhere, and compare work; report, export and compare into the read-only folder, and a study
#      on the store, fail with one line naming the place.
# Run it as root (it mounts); it installs sqlite3 with apt-get when missing and removes its folder on exit.
# Usage: tools/stores/test.sh (from anywhere). About a minute.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
say() { printf '%s stores-test: %s\n' "$(date -u +%H:%M:%S)" "$*"; }
fail() { say "FAILED: $*"; exit 1; }

[[ $(id -u) -eq 0 ]] || fail "run as root: it mounts a small tmpfs and a read-only bind mount"
if [[ -z "${IMBLAB_STORES_TEST_NS:-}" ]]; then
  command -v sqlite3 >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 >/dev/null; }
  "$root/imblab" --version >/dev/null # built once here, not on the small disks' clock
  exec env IMBLAB_STORES_TEST_NS=1 unshare --mount --propagation private bash "${BASH_SOURCE[0]}" "$@"
fi

tmp="$(mktemp -d /tmp/imblab-stores.XXXXXX)"
mounts=()
cleanup() {
  local code=$?
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount "${mounts[$i]}" 2>/dev/null || umount -l "${mounts[$i]}" 2>/dev/null || true; done
  rm -rf "$tmp"
  exit $code
}
trap cleanup EXIT
trap 'exit 130' INT TERM

imblab() { "$root/imblab" "$@"; }
# run NAME CMD...: runs an ImbLab command, its stdout, stderr and exit code in $tmp/NAME.{out,err,code}.
run() {
  local name="$1"; shift
  local code=0
  imblab "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" || code=$?
  echo "$code" >"$tmp/$name.code"
}
code() { cat "$tmp/$1.code"; }
# one_line NAME EXPECTED: the command's stderr, bar the study's announcement, is exactly the line EXPECTED (a prefix
# when it ends in '*').
one_line() {
  local lines
  lines="$(grep -v '^study [0-9a-f]*: ' "$tmp/$1.err" || true)"
  [[ $(printf '%s\n' "$lines" | grep -c .) -eq 1 ]] || fail "$1: expected one line on stderr, got: $(cat "$tmp/$1.err")"
  # shellcheck disable=SC2053 # a pattern on purpose: EXPECTED may end in '*'
  [[ "$lines" == $2 ]] || fail "$1: expected '$2', got '$lines'"
  say "  $1: $lines"
}
expect_exit() { [[ $(code "$1") -eq $2 ]] || fail "$1: exit $(code "$1"), expected $2; stderr: $(cat "$tmp/$1.err")"; }
count() { sqlite3 -readonly "$1" "SELECT count(*) FROM runs WHERE status = '$2'"; }
mount_tmpfs() { mkdir -p "$2"; mount -t tmpfs -o "size=$1" imblab-stores "$2"; mounts+=("$2"); }
fill() { dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null || true; } # until the disk is full
checksums() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs -r sha256sum); }

study=(study --data synthetic:rows=400,d=4 --ir 1,4 --seeds 4 --epochs 5 --hidden 8 --threads 1 --json)

# --- the reference: the study in one process on a disk with room --------------------------------------------------------
say "reference study (8 runs) on a disk with room"
run one "${study[@]}" --out "$tmp/one"
expect_exit one 0
one="$tmp/one/imblab.db"
bytes=$(stat -c %s "$one")

# --- 1. a full disk under the store --------------------------------------------------------------------------------------
full="$tmp/full"
# As large as the finished store: the write-ahead log of a running study holds more (pages written again, the log's
# frame headers), and a study keeps it until it closes, so the disk fills after a few runs.
mount_tmpfs "$((bytes / 1024))k" "$full"
say "1. the same study with its store on a $((bytes / 1024)) KB tmpfs, the size of its finished store"
run filled "${study[@]}" --out "$full/res"
store="$full/res/imblab.db"
expect_exit filled 1
one_line filled "error: $store: the disk is full; finished runs are kept: free some space and run the same command again to resume"
[[ $(sqlite3 -readonly "$store" "PRAGMA integrity_check") == ok ]] || fail "the store on the full disk is damaged"
finished=$(count "$store" finished)
[[ $finished -ge 1 && $finished -lt 8 ]] || fail "expected some but not all 8 runs finished before the disk filled, found $finished"
say "  $finished of 8 runs finished and intact (integrity_check ok); $(count "$store" running) left running"
run status-full status "$store" --json
expect_exit status-full 0
run export-from-full export "$store" --tables runs --out "$tmp/from-full"
expect_exit export-from-full 0
[[ $(($(wc -l <"$tmp/from-full/runs.csv") - 1)) -eq $finished ]] || fail "the export of the store on the full disk does not hold its $finished finished runs"
say "  while the disk is full: status and export (elsewhere) read the store"

# --- 2. outputs into a full folder: the last complete ones stay as they were ----------------------------------------------
out="$tmp/out"
mount_tmpfs 8m "$out"
say "2. report and export into a folder whose disk then fills"
run report-ok report "$one" --out "$out/report.html"
expect_exit report-ok 0
run export-ok export "$one" --tables runs,metrics --out "$out/export"
expect_exit export-ok 0
before="$(checksums "$out")"
fill "$out"
run report-full report "$one" --out "$out/report.html"
expect_exit report-full 1
one_line report-full "error: $out: cannot write the report report.html: the disk is full (no space left on device); nothing was left half-written: free some space and run the command again"
run export-full export "$one" --tables runs,metrics --out "$out/export"
expect_exit export-full 1
one_line export-full "error: $out/export: cannot write the export: the disk is full (no space left on device); nothing was left half-written: free some space and run the command again"
rm "$out/filler"
[[ "$(checksums "$out")" == "$before" ]] || fail "the report or export written before the disk filled was changed (or a temporary file was left)"
say "  the report and the export written before are unchanged, no .partial file left"

# --- 1 (end). room again: the same command finishes the study ------------------------------------------------------------
mount -o remount,size=64m "$full"
say "1. room again (64 MB): the same command again"
run resumed "${study[@]}" --out "$full/res"
expect_exit resumed 0
[[ $(count "$store" finished) -eq 8 && $(count "$store" running) -eq 0 ]] || fail "the resumed study does not hold its 8 runs finished"
[[ $(sqlite3 -readonly "$store" "PRAGMA integrity_check") == ok ]] || fail "the resumed store is damaged"
bash "$root/tools/slurm/compare-stores.sh" "$one" "$store" >"$tmp/compare.txt" || { cat "$tmp/compare.txt"; fail "the resumed store differs from the one-process run"; }
say "  8 runs finished; the store equals the one-process run (every table, floats bit for bit)"
# A full disk under a closed store: SQLite cannot make the store's shared-memory file (-shm) to open it. Read commands
# read it as it is (nothing unmerged is left once a study closes); a study says the disk is full.
fill "$full"
run status-closed status "$store"
expect_exit status-closed 0
run study-closed "${study[@]}" --out "$full/res"
expect_exit study-closed 1
one_line study-closed "error: $store: the disk is full; finished runs are kept: free some space and run the same command again to resume"
rm "$full/filler"
say "  a full disk under the closed store: status reads it, a study says the disk is full"

# --- 3. a read-only store -------------------------------------------------------------------------------------------------
say "3. a read-only store (read-only bind mount)"
src="$tmp/ro-src"
mkdir -p "$src"
cp "$one" "$src/imblab.db"
run other study --data synthetic:rows=400,d=4 --ir 1,4 --seeds 2 --epochs 4 --hidden 8 --threads 1 --json --no-report --out "$src/other.db"
expect_exit other 0
ro="$tmp/ro"
mkdir -p "$ro"
mount --bind "$src" "$ro"
mounts+=("$ro")
mount -o remount,bind,ro "$ro"
if touch "$ro/probe" 2>/dev/null; then fail "$ro is writable after the read-only remount"; fi
[[ ! -e "$ro/imblab.db-wal" && ! -e "$ro/imblab.db-shm" ]] || fail "the store copied for the read-only test has a -wal or -shm file"

run ro-status status "$ro/imblab.db"
expect_exit ro-status 0
run ro-findings findings "$ro/imblab.db"
expect_exit ro-findings 0
grep -q "findings stated (not saved: the store is read-only)" "$tmp/ro-findings.out" || fail "findings: the findings were not printed: $(cat "$tmp/ro-findings.out")"
one_line ro-findings "findings not saved: $ro/imblab.db: the store is read-only here (no write permission on the file or its folder, or a read-only file system)"
run ro-export export "$ro/imblab.db" --out "$tmp/ro-export"
expect_exit ro-export 0
[[ -s "$tmp/ro-export/metrics.csv" ]] || fail "export --out: no metrics.csv written"
run ro-report report "$ro/imblab.db" --out "$tmp/ro-report.html"
expect_exit ro-report 0
[[ -s "$tmp/ro-report.html" ]] || fail "report --out: no report written"
run ro-compare compare "$ro/imblab.db" "$ro/other.db" --out "$tmp/ro-compare"
expect_exit ro-compare 0
say "  status, findings, export --out, report --out and compare --out elsewhere work"

run ro-report-here report "$ro/imblab.db"
expect_exit ro-report-here 1
one_line ro-report-here "error: $ro: cannot write the report report.html: the folder is on a read-only file system; write it elsewhere with --out FILE"
run ro-export-here export "$ro/imblab.db"
expect_exit ro-export-here 1
one_line ro-export-here "error: $ro/export: cannot write the export: the folder is on a read-only file system; write it elsewhere with --out FOLDER"
run ro-compare-here compare "$ro/imblab.db" "$ro/other.db" --out "$ro/compare"
expect_exit ro-compare-here 1
one_line ro-compare-here "error: $ro/compare: cannot write the comparison compare.html: the folder is on a read-only file system; write it elsewhere with --out FOLDER"
run ro-study "${study[@]}" --out "$ro"
expect_exit ro-study 1
one_line ro-study "error: $ro/imblab.db: the store is read-only here*"
say "passed: a full disk and a read-only store each end in one line naming the place; finished work stays intact"
