#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Starts CXR Studio under Xvfb on the demo dataset and saves a screenshot of
# each page to docs/screenshots/. Needs a built tree (installer/run.sh or
# installer/test.sh) and ImageMagick's `import`.
# Usage: installer/screenshots.sh [BUILD_DIR] [WIDTHxHEIGHT]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
geometry=${2:-1400x900}
bin="$build/app"
out="$root/docs/screenshots"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
command -v import >/dev/null || { echo "screenshots: install imagemagick first" >&2; exit 1; }

# A small demo dataset and a quickly trained model for the Classify page.
"$bin/cxr" phantoms --out "$work/demo" --per-class 40 --test-per-class 8 --size 128 >/dev/null
"$bin/cxr" train "$work/demo" --out "$work/run" --init scratch --epochs 8 --image-size 64 \
    --batch-size 16 >/dev/null
# Show a test image the quick model gets right (it is small and imperfect).
sample=$("$bin/cxr" predict "$work/run/best.pt" "$work"/demo/test/BACTERIA/*.png --json 2>/dev/null |
    python3 -c 'import json, sys
rows = [r for r in json.load(sys.stdin) if r.get("label") == "BACTERIA"]
print(rows[0]["image"] if rows else "")')
[ -n "$sample" ] || sample="$work/demo/test/BACTERIA/phantom_BACTERIA_0000.png"

shoot() { # page name, extra arguments...
    local page=$1
    shift
    xvfb-run -a -s "-screen 0 ${geometry}x24" bash -c '
        "$0" "$@" & pid=$!
        sleep 9
        import -window root "'"$out/$page.png"'"
        kill $pid' "$bin/cxr-studio" "$@"
    echo "wrote $out/$page.png"
}
export QT_QPA_PLATFORM=xcb
# A fresh settings folder: the default window size, no remembered geometry.
export XDG_CONFIG_HOME="$work/config"
shoot dataset --dataset "$work/demo"
shoot charts --dataset "$work/demo" --page charts
shoot training --dataset "$work/demo" --page training
shoot classify --dataset "$work/demo" --model "$work/run/best.pt" "$sample"
