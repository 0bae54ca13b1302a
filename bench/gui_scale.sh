#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The desktop app at the real dataset's scale: writes 6,000 full-size
# phantom X-rays (1,500 per class, 1024 px; once, kept in the folder given),
# then opens them on the Dataset page twice (the second time with the
# thumbnail cache warm), flings the thumbnail grid from top to bottom and
# computes the histograms of every image, printing the time to open, the
# resident memory, the histogram time and the longest GUI event-loop gap of
# each. Usage: bench/gui_scale.sh [BUILD_DIR] [DATA_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/test}
data=${2:-${XDG_CACHE_HOME:-$HOME/.cache}/cxr-studio/gui-scale-6000}
probe=$build/tests/ui/cxr_ui_probe_tests
[ -x "$probe" ] || { echo "gui_scale: build the tests first (installer/test.sh): $probe" >&2; exit 1; }
if [ ! -f "$data/.complete" ]; then
    echo "gui_scale: writing 6,000 phantoms of 1024 px to $data (a few minutes, once)"
    rm -rf "$data"
    "$build/app/cxr" phantoms --out "$data" --per-class 1400 --test-per-class 100 --size 1024 --seed 1
    touch "$data/.complete"
fi
# A thumbnail cache of its own, cold for the first round and warm for the second.
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
for round in cold warm; do
    echo "gui_scale: $round thumbnail cache"
    CXR_TEST_CACHE_HOME=$cache CXR_PROBE_DATASET=$data QT_QPA_PLATFORM=offscreen "$probe" \
        --gtest_filter='EventLoopProbe.Opening*' | grep '^\[          \]'
done
echo "gui_scale: histograms of every image"
CXR_TEST_CACHE_HOME=$cache CXR_PROBE_DATASET=$data QT_QPA_PLATFORM=offscreen "$probe" \
    --gtest_filter='EventLoopProbe.ComputingHistograms*' | grep '^\[          \]'
