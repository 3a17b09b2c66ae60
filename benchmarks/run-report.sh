#!/usr/bin/env bash
# The time of `imblab report` on the default study (20 runs): trains it once into a folder (or takes the store of one
# given), then runs `imblab report` REPEATS times as its own process (/usr/bin/time: wall, user and system CPU, peak
# memory) and once with --png, and prints where the time goes inside one process (load, model, first figure, all
# figures and the page, files; `ImbLab.Benchmarks report`, first round cold as a command pays it, then warm).
# Usage: benchmarks/run-report.sh [STORE] [REPEATS]   (default: the default study trained into a temporary folder; 5)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
store="${1:-}"
repeats="${2:-5}"
cd "$root"
./imblab --version >/dev/null # build first, so no timing below includes a build
if [[ -z "$store" ]]; then
  out="$(mktemp -d)"
  echo "training the default study into $out ..."
  ./imblab study --out "$out" --no-report >/dev/null
  store="$out/imblab.db"
fi
html="$(mktemp -d)/report.html"
t() { /usr/bin/time -f "%e s wall, %U s user + %S s system CPU, %M KB peak" "$@"; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$repeats"); do
  t dotnet .build/cli/imblab.dll report "$store" -o "$html" >/dev/null 2>"$html.err"
  echo "report:       $(tail -1 "$html.err")"
done
t dotnet .build/cli/imblab.dll report "$store" -o "$html" --png >/dev/null 2>"$html.err"
echo "report --png: $(tail -1 "$html.err")"
t dotnet .build/cli/imblab.dll --version >/dev/null 2>"$html.err"
echo "--version:    $(tail -1 "$html.err")   (the process's own start-up)"
dotnet build benchmarks/ImbLab.Benchmarks -c Release --nologo -v quiet >/dev/null
dotnet benchmarks/ImbLab.Benchmarks/bin/Release/net10.0/ImbLab.Benchmarks.dll report "$store" --repeats 2
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
