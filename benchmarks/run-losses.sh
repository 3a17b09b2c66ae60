#!/usr/bin/env bash
# Cost of the loss remedies on workload W (1 model, 1 thread): W with each loss, REPEATS times, interleaved so machine
# load hits them alike; prints the median CPU ms per epoch and % over plain cross-entropy (`none`), and the median of
# the runs' step overheads (one W step with the loss vs plain CE, best of 30 in thread CPU time: the steadier number).
# Usage: benchmarks/run-losses.sh [epochs] [repeats]
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS="${1:-50}"
REPEATS="${2:-3}"
dotnet build benchmarks/ImbLab.Benchmarks -c Release -v quiet -nologo >/dev/null
BENCH=(dotnet benchmarks/ImbLab.Benchmarks/bin/Release/net10.0/ImbLab.Benchmarks.dll w --epochs "$EPOCHS" --models 1 --threads 1)
LOSSES=(none weights:inv weights:sqrt cb focal ldam ldam-drw drw balanced-softmax la-loss cdt label-smoothing gdro)
declare -A RESULTS STEPS
for ((r = 0; r < REPEATS; r++)); do
    for loss in "${LOSSES[@]}"; do
        out=$("${BENCH[@]}" --loss "$loss")
        cpu=$(echo "$out" | head -1 | sed -n 's/.* cpu_ms_per_epoch_per_model=\([^ ]*\).*/\1/p')
        step=$(echo "$out" | sed -n 's/.*(\([-+0-9.]*\)%)$/\1/p')
        RESULTS[$loss]="${RESULTS[$loss]:-} $cpu"
        STEPS[$loss]="${STEPS[$loss]:-} ${step:-0}"
    done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
base=$(echo "${RESULTS[none]}" | median)
printf '%-20s %14s %10s %10s   %s\n' "W, $EPOCHS epochs" "cpu ms/epoch" "vs none" "step" "runs"
for loss in "${LOSSES[@]}"; do
    m=$(echo "${RESULTS[$loss]}" | median)
    step=$(echo "${STEPS[$loss]}" | median)
    printf '%-20s %14.3f %+9.1f%% %+9.1f%%  %s\n' "$loss" "$m" "$(echo "($m - $base) / $base * 100" | bc -l)" "$step" "${RESULTS[$loss]}"
done
echo "(uptime: $(uptime | sed 's/.*load/load/'))"
