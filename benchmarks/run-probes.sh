#!/usr/bin/env bash
# Cost of the engine's diagnostics on workload W (1 model, 1 thread): each configuration is run REPEATS times,
# interleaved with the others so machine load hits them alike; prints the median CPU ms per epoch and % over plain W.
# Usage: benchmarks/run-probes.sh [epochs] [repeats]
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS="${1:-50}"
REPEATS="${2:-5}"
dotnet build benchmarks/ImbLab.Benchmarks -c Release -v quiet -nologo >/dev/null
BENCH=(dotnet benchmarks/ImbLab.Benchmarks/bin/Release/net10.0/ImbLab.Benchmarks.dll w --epochs "$EPOCHS" --models 1 --threads 1)

CONFIGS=(
    "plain W|"
    "batch (p_true every step)|--probe batch"
    "hidden (train+test, every epoch)|--probe hidden"
    "gradients every epoch|--probe gradients"
    "gradients every 5th epoch|--probe gradients --gradient-epochs 5"
    "gradients log-spaced epochs|--probe gradients --gradient-epochs log"
    "batch+hidden+gradients every epoch|--probe batch,hidden,gradients"
    "batch+hidden+gradients every 5th|--probe batch,hidden,gradients --gradient-epochs 5"
    "batch+hidden+gradients log-spaced|--probe batch,hidden,gradients --gradient-epochs log"
    "monitor samples|--monitor samples"
    "monitor samples+batch+hidden+grad every 5th|--monitor samples --probe batch,hidden,gradients --gradient-epochs 5"
    "monitor samples+batch+hidden+grad log|--monitor samples --probe batch,hidden,gradients --gradient-epochs log"
)
declare -A RESULTS
for ((r = 0; r < REPEATS; r++)); do
    for i in "${!CONFIGS[@]}"; do
        IFS='|' read -r _ opts <<<"${CONFIGS[$i]}"
        # shellcheck disable=SC2086
        cpu=$("${BENCH[@]}" $opts | head -1 | sed -n 's/.* cpu_ms_per_epoch_per_model=\([^ ]*\).*/\1/p')
        RESULTS[$i]="${RESULTS[$i]:-} $cpu"
    done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
base=$(echo "${RESULTS[0]}" | median)
printf '%-48s %14s %10s   %s\n' "W, $EPOCHS epochs, 1 model, 1 thread" "cpu ms/epoch" "vs plain" "runs"
for i in "${!CONFIGS[@]}"; do
    IFS='|' read -r name _ <<<"${CONFIGS[$i]}"
    m=$(echo "${RESULTS[$i]}" | median)
    printf '%-48s %14.3f %+9.1f%%  %s\n' "$name" "$m" "$(echo "($m - $base) / $base * 100" | bc -l)" "${RESULTS[$i]}"
done
"${BENCH[@]}" --epochs 3 --probe gradients | tail -1 | tr ';' '\n'
echo "(uptime: $(uptime | sed 's/.*load/load/'))"
