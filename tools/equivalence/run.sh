#!/usr/bin/env bash
# Shows that the working tree computes what a base revision computed, bit for bit: builds both, runs the default
# study and a KEEL study with each into separate stores, and compares the stores (tools/equivalence/compare-stores.py).
# Usage: tools/equivalence/run.sh [BASE_REV] (default: HEAD). Needs git, the .NET SDK and python3.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
base="${1:-HEAD}"
work="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$work/base-src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

git -C "$root" worktree add --detach "$work/base-src" "$base" >/dev/null
echo "building $base and the working tree..."
dotnet build "$work/base-src/src/ImbLab.Cli/ImbLab.Cli.csproj" -c Release -o "$work/base-cli" --nologo -v quiet >/dev/null
dotnet build "$root/src/ImbLab.Cli/ImbLab.Cli.csproj" -c Release -o "$work/new-cli" --nologo -v quiet >/dev/null

keel="$root/data/keel"
[[ -d "$keel" ]] || keel="$root/../shared/datasets/keel"
studies=(
  "default|study"
  "keel|study --data $keel/yeast4/yeast4.dat,$keel/vehicle0/vehicle0.dat --protocol subsample-minority,fixed-n --ir 30,60 --seeds 2 --epochs 30"
)
status=0
for s in "${studies[@]}"; do
  name="${s%%|*}"; args="${s#*|}"
  for side in base new; do
    # shellcheck disable=SC2086
    if ! (cd "$work" && dotnet "$work/$side-cli/imblab.dll" $args --out "$work/$side-$name" >"$work/$side-$name.log" 2>&1); then
      echo "$name study failed with the $side build:"; tail -3 "$work/$side-$name.log"; exit 1
    fi
  done
  echo "== $name study"
  python3 "$root/tools/equivalence/compare-stores.py" "$work/base-$name/imblab.db" "$work/new-$name/imblab.db" || status=1
done
exit $status
