#!/usr/bin/env bash
# The report's size and load time on a fabricated store of the 44-dataset x 6-IR x 5-seed, 100-epoch shape
# (1320 runs, written through StudyStore, nothing trained), opened in headless Chromium. About two minutes.
# The same test runs in the suite on 1 of the 44 datasets and extrapolates the size.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
command -v chromium >/dev/null || { echo "chromium is not installed: apt-get update && apt-get install -y chromium" >&2; exit 1; }
dotnet build tests/ImbLab.Tests -c Release -v q -nologo
IMBLAB_REPORT_BENCH_DATASETS="${1:-44}" dotnet test tests/ImbLab.Tests -c Release --no-build \
  --filter "FullyQualifiedName~FabricatedReportTests.Given_a_study_of_the_44_dataset_shape"
cat "${TMPDIR:-/tmp}/imblab-report-bench.txt"; echo
