#!/usr/bin/env bash
# The analysis after a study must never be slower than its training. Trains the 84-KEEL-set natural study
# (studies/keel-natural.json: 420 runs of 200 epochs) without its report, then times `findings` and `report`
# (SVG only; --png adds the PNG files) on the finished store, each as its own process.
# Usage: benchmarks/run-analysis.sh [OUT_FOLDER]   (default: a temporary folder)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$(mktemp -d)}"
cd "$root"
t() { /usr/bin/time -f "%e s wall, %U s user CPU, %M KB peak" "$@"; }
echo "training (studies/keel-natural.json) into $out ..."
t ./imblab study --config studies/keel-natural.json --out "$out" --no-report >/dev/null 2>"$out/study.err" || { tail -3 "$out/study.err"; exit 1; }
echo "study:    $(tail -1 "$out/study.err")"
t ./imblab findings "$out/imblab.db" >/dev/null 2>"$out/findings.err"
echo "findings: $(tail -1 "$out/findings.err")"
t ./imblab report "$out/imblab.db" -o "$out/report.html" >/dev/null 2>"$out/report.err"
echo "report:   $(tail -1 "$out/report.err")"
