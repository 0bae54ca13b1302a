#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Starts CXR Studio under Xvfb and saves a screenshot of each page to
# docs/screenshots/: the Dataset and Charts pages on the real sample
# (../shared/data/cxr-sample), the Training page following a run that
# `cxr train` writes while the picture is taken, and the Classify page with
# a model trained on the sample, explaining real test X-rays. Without the
# sample it falls back to the synthetic demo dataset. The Audit tab is shown
# on the sample with copies planted in it. Needs a built tree
# (installer/run.sh or installer/test.sh) and ImageMagick's `import`.
# Usage: installer/screenshots.sh [BUILD_DIR] [WIDTHxHEIGHT]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
geometry=${2:-1400x900}
bin="$build/app"
out="$root/docs/screenshots"
work=$(mktemp -d)
trainer=
cleanup() {
    [ -n "$trainer" ] && kill "$trainer" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$out"
command -v import >/dev/null || { echo "screenshots: needs ImageMagick (installer/install-deps.sh --extras)" >&2; exit 1; }

data="$root/../shared/data/cxr-sample"
if [ ! -d "$data/train" ]; then
    echo "screenshots: no real sample at $data; using the synthetic demo dataset"
    data="$work/demo"
    "$bin/cxr" phantoms --out "$data" --per-class 40 --test-per-class 8 --size 256 >/dev/null
fi
data=$(cd "$data" && pwd)

# A model trained on the sample for the Classify page (about 2 minutes).
echo "screenshots: training the Classify page's model"
"$bin/cxr" train "$data" --out "$work/model" --init scratch --epochs 8 --image-size 128 \
    --batch-size 16 --seed 1 >/dev/null
images=()
for class in COVID19 BACTERIA VIRUS NORMAL; do
    images+=("$(ls "$data"/test/$class/* | head -n 2 | tail -n 1)")
done

shoot() { # file name, seconds to wait, cxr-studio arguments...
    local name=$1 wait=$2
    shift 2
    xvfb-run -a -s "-screen 0 ${geometry}x24" bash -c '
        "$0" "$@" & pid=$!
        sleep '"$wait"'
        import -window "CXR Studio" "'"$out/$name.png"'"
        kill $pid' "$bin/cxr-studio" "$@"
    echo "wrote $out/$name.png"
}
export QT_QPA_PLATFORM=xcb
# Fresh settings and caches: the default window size, nothing remembered.
export XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache" XDG_DATA_HOME="$work/data"
shoot dataset 10 --dataset "$data"
shoot charts 20 --dataset "$data" --page charts
shoot classify 25 --dataset "$data" --model "$work/model/best.pt" "${images[@]}"
shoot evaluation 25 --dataset "$data" --model "$work/model/best.pt" --evaluate

# The run report of the same run, printed to PDF by Chromium: its first and
# third pages side by side (docs/evaluation.md).
if command -v chromium >/dev/null && command -v pdftoppm >/dev/null; then
    "$bin/cxr" report "$work/model" --out "$work/report.html" >/dev/null
    HOME="$work" chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
        --print-to-pdf="$work/report.pdf" "file://$work/report.html" 2>/dev/null
    pdftoppm -r 60 -png "$work/report.pdf" "$work/page"
    montage "$work"/page-1.png "$work"/page-3.png -tile 2x1 -geometry +6+6 \
        "$root/docs/images/run-report.png"
    echo "wrote $root/docs/images/run-report.png"
else
    echo "screenshots: the run report's picture needs chromium and poppler-utils' pdftoppm"
fi

# The Audit tab on the sample with copies planted in it (bench/audit_planted.py).
if [ "$data" != "$work/demo" ] && /usr/bin/python3 -c 'import PIL' 2>/dev/null; then
    /usr/bin/python3 "$root/bench/audit_planted.py" "$bin/cxr" "$data" "$work" >/dev/null
    shoot audit 15 --dataset "$work/planted" --audit
    if command -v chromium >/dev/null && command -v pdftoppm >/dev/null; then
        /usr/bin/python3 "$root/bench/audit_pictures.py" "$work/planted-audit.html" "$root/docs/images"
    else
        echo "screenshots: the audit report's pictures need chromium and poppler-utils' pdftoppm"
    fi
fi

# The Training page while a run is under way: `cxr train` writes the run
# folder, and the page follows it.
"$bin/cxr" train "$data" --out "$work/live" --init scratch --epochs 40 --image-size 96 \
    --batch-size 16 --seed 2 >/dev/null 2>&1 &
trainer=$!
epochs() { # validation rows written so far (grep -c prints 0 and fails without a match)
    local n
    n=$(grep -c ',val,' "$work/live/metrics.csv" 2>/dev/null) || true
    echo "${n:-0}"
}
until [ "$(epochs)" -ge 6 ]; do sleep 2; done
shoot training 12 --dataset "$data" --run "$work/live"
