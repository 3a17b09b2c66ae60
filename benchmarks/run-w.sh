#!/usr/bin/env bash
# Workload W, engine vs idiomatic PyTorch on this machine, in one go. Prints a table of ms/epoch/model and the ratio.
# Usage: benchmarks/run-w.sh [epochs] [models-for-lockstep] [threads]
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS="${1:-50}"
MODELS="${2:-16}"
THREADS="${3:-2}"
dotnet build benchmarks/ImbLab.Benchmarks -c Release -v quiet -nologo >/dev/null
BENCH=(dotnet benchmarks/ImbLab.Benchmarks/bin/Release/net10.0/ImbLab.Benchmarks.dll w --epochs "$EPOCHS")

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

torch_line=$(/usr/bin/python3 tools/reference/torch_w.py --epochs "$EPOCHS")
one_line=$("${BENCH[@]}" --models 1 --threads 1)
many_line=$("${BENCH[@]}" --models "$MODELS" --threads "$THREADS")
metrics_line=$("${BENCH[@]}" --models 1 --threads 1 --monitor metrics)
samples_line=$("${BENCH[@]}" --models 1 --threads 1 --monitor samples)
many_samples_line=$("${BENCH[@]}" --models "$MODELS" --threads "$THREADS" --monitor samples)
vector_line=$("${BENCH[@]}" --models 1 --threads 1 --kernels vector --epochs 10)
scalar_line=$("${BENCH[@]}" --models 1 --threads 1 --kernels scalar --epochs 3)

torch_ms=$(echo "$torch_line" | field ms_per_epoch_per_model)
torch_cpu=$(echo "$torch_line" | field cpu_ms_per_epoch_per_model)
echo "$torch_line"; echo "$one_line"; echo "$many_line"; echo "$metrics_line"; echo "$samples_line"; echo "$many_samples_line"; echo "$vector_line"; echo "$scalar_line"
echo
printf '%-44s %12s %12s %10s\n' "run (W, $EPOCHS epochs)" "wall ms/ep/m" "cpu ms/ep/m" "vs torch"
row() {
    local name="$1" line="$2" ms cpu
    ms=$(echo "$line" | field ms_per_epoch_per_model)
    cpu=$(echo "$line" | field cpu_ms_per_epoch_per_model)
    printf '%-44s %12s %12s %9.1fx\n' "$name" "$ms" "$cpu" "$(echo "$torch_ms / $ms" | bc -l)"
}
row "PyTorch $(echo "$torch_line" | field engine | sed 's/torch-//'), 1 model, 1 thread" "$torch_line"
row "ImbLab engine, 1 model, 1 thread" "$one_line"
row "ImbLab engine, $MODELS models, $THREADS threads" "$many_line"
row "ImbLab + full per-class monitor, 1 model" "$metrics_line"
row "ImbLab + monitor + per-sample signals, 1 model" "$samples_line"
row "ImbLab + monitor + per-sample, $MODELS models, $THREADS thr" "$many_samples_line"
row "ImbLab Vector<T> kernels, 1 model, 1 thread" "$vector_line"
row "ImbLab scalar kernels, 1 model, 1 thread" "$scalar_line"
m=$(echo "$metrics_line" | field cpu_ms_per_epoch_per_model); p=$(echo "$samples_line" | field cpu_ms_per_epoch_per_model)
printf 'per-sample recording on top of the per-class monitor: %+.1f%% (cpu time)\n' "$(echo "($p - $m) / $m * 100" | bc -l)"
echo "(uptime: $(uptime | sed 's/.*load/load/'))"
