#!/usr/bin/env bash
# Runs every command of the README's bash blocks, in order, as written, from the root of a copy of the repository, so
# the README cannot drift from the tool. `dotnet test` lines are left out (CI runs the tests itself). A command that
# exits non-zero fails the check with the command and the end of its output. Usage: tools/check-readme.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A copy of the tracked files (working-tree versions), so the commands' outputs land outside the repository.
(cd "$root" && git ls-files -z | xargs -0 cp --parents -t "$work")
chmod +x "$work/imblab"

# The commands: lines of ```bash blocks that start with ./imblab, comments after them dropped.
mapfile -t commands < <(awk '/^```bash$/ { inside = 1; next } /^```$/ { inside = 0 } inside && /^\.\/imblab / { print }' "$root/README.md" \
  | sed -E 's/[[:space:]]+#.*$//')
[[ ${#commands[@]} -gt 0 ]] || { echo "check-readme: no ./imblab command found in README.md"; exit 1; }

failed=0
for cmd in "${commands[@]}"; do
  start=$SECONDS
  if (cd "$work" && bash -c "$cmd" >"$work/.out" 2>&1 </dev/null); then
    echo "ok   ($((SECONDS - start)) s) $cmd"
  else
    echo "FAIL ($((SECONDS - start)) s) $cmd"; tail -5 "$work/.out" | sed 's/^/     /'
    failed=$((failed + 1))
  fi
done
echo "check-readme: ${#commands[@]} commands, $failed failed"
exit $(( failed > 0 ))
