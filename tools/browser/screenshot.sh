#!/usr/bin/env bash
# Screenshot a report the way the tests load it (no network, fresh profile), and print any console line.
# usage: tools/browser/screenshot.sh report.html [out.png] [width] [height]
set -euo pipefail
html="$(realpath "$1")"; out="${2:-${html%.html}.png}"; profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" --enable-logging=stderr --v=0 --hide-scrollbars \
  --window-size="${3:-1400},${4:-1000}" --screenshot="$out" "file://$html" 2>&1 | grep ':CONSOLE' || true
echo "$out"
