#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CXR Studio against the PyTorch reference, workload by workload, on this
# machine: each workload runs in its own process, ours then the reference,
# with the same threads, batch, image size and data. Prints a table and, as
# its last line, "ratios: ..." (reference time / CXR Studio time: above 1
# means CXR Studio is faster).
# Usage: bench/compare.sh [--quick] [--threads N] [--build DIR] [--rounds N]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
quick=""
threads=$(nproc)
build="$root/build/release"
rounds=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick="--quick" ;;
        --threads) threads=$2; shift ;;
        --build) build=$2; shift ;;
        --rounds) rounds=$2; shift ;;
        *) echo "usage: bench/compare.sh [--quick] [--threads N] [--build DIR] [--rounds N]" >&2; exit 2 ;;
    esac
    shift
done
data="$root/../shared/data/cxr-sample"
[ -d "$data" ] || { echo "compare: $data not found (the real sample X-rays)" >&2; exit 1; }
if [ ! -x "$build/app/cxr" ]; then
    "$root/installer/build.sh" Release "$build" >/dev/null
fi
cxr="$build/app/cxr"
python=/usr/bin/python3

# Peak FLOP/s of the machine: cores x FP32 FLOP/cycle x clock, where a core
# does two fused multiply-adds per cycle on 16 floats with AVX-512 (64
# FLOP/cycle) or on 8 with AVX2 (32). oneDNN uses AVX-512 where it exists.
ghz=$(awk -F: '/cpu MHz/ {print $2 / 1000; exit}' /proc/cpuinfo)
per_cycle=32
grep -qw avx512f /proc/cpuinfo && per_cycle=64
peak=$(awk -v c="$(nproc)" -v g="${ghz:-2.45}" -v f="$per_cycle" 'BEGIN {print c * f * g}')
# FLOP per image: training ~3x the forward pass (in FP32 terms: a bfloat16
# run can exceed 100%).
declare -A flop=([train_resnet50]=24.6 [train_densenet121]=17.2 [infer_resnet50]=8.2
                 [infer_densenet121]=5.7 [gradcam_resnet50]=8.2)

workloads=(pipeline train_resnet50 train_densenet121 infer_resnet50 infer_densenet121 gradcam_resnet50)
# The workloads also compared with PyTorch at its best (reference.py --best:
# channels_last, and bfloat16 autocast where the CPU has it).
declare -A has_best=([train_resnet50]=1 [train_densenet121]=1 [infer_resnet50]=1
                     [infer_densenet121]=1 [gradcam_resnet50]=1)
printf '%-18s %14s %14s %8s %10s\n' workload "CXR Studio" reference ratio "% of peak"
ratios="ratios:"
mem_ours=0
mem_ref=0
# Compares two lists of runs of workload $3 by their medians; prints the
# table row, then "|ratio|our peak MB|their peak MB".
compare_runs() {
    "$python" - "$1" "$2" "$3" "${flop[${3%_best}]:-0}" "$peak" <<'PY'
import json, sys
def median_run(runs):
    key = "images_per_second" if "images_per_second" in runs[0] else "latency_ms"
    return sorted(runs, key=lambda r: r[key])[len(runs) // 2]
ours, ref = median_run(json.loads(sys.argv[1])), median_run(json.loads(sys.argv[2]))
w, flop, peak = sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
if "images_per_second" in ours:
    a, b = ours["images_per_second"], ref["images_per_second"]
    ratio, unit = a / b, "img/s"
    achieved = a * flop
else:
    a, b = ours["latency_ms"], ref["latency_ms"]
    ratio, unit = b / a, "ms"
    achieved = flop / (a / 1000)
share = f"{100 * achieved / peak:.1f}" if flop else "-"
print(f"{w:<18} {a:10.2f} {unit:>3} {b:10.2f} {unit:>3} {ratio:8.2f} {share:>10}|{ratio:.2f}|{ours.get('peak_rss_mb', 0)}|{ref.get('peak_rss_mb', 0)}")
PY
}
# This is a shared virtual machine whose speed drifts by 20% over minutes,
# so each workload alternates ours / reference (/ reference at its best)
# several times and each side reports its median: drift then hits all
# sides alike.
if [ -z "$rounds" ]; then
    rounds=3
    [ -n "$quick" ] && rounds=1
fi
for w in "${workloads[@]}"; do
    ours="[" ref="[" best="["
    for ((r = 0; r < rounds; r++)); do
        sep=""
        [ "$r" -gt 0 ] && sep=","
        ours+=$sep$("$cxr" bench "$w" $quick --threads "$threads" --data "$data")
        ref+=$sep$("$python" "$root/bench/reference.py" "$w" $quick --threads "$threads" --data "$data")
        if [ -n "${has_best[$w]:-}" ]; then
            best+=$sep$("$python" "$root/bench/reference.py" "$w" --best $quick --threads "$threads" --data "$data")
        fi
    done
    line=$(compare_runs "$ours]" "$ref]" "$w")
    echo "${line%%|*}"
    IFS='|' read -r _ ratio rss_ours rss_ref <<<"$line"
    ratios+=" $w=$ratio"
    if [ "$w" = train_resnet50 ]; then mem_ours=$rss_ours; mem_ref=$rss_ref; fi
    if [ -n "${has_best[$w]:-}" ]; then
        line=$(compare_runs "$ours]" "$best]" "${w}_best")
        echo "${line%%|*}"
        IFS='|' read -r _ ratio _ _ <<<"$line"
        ratios+=" ${w}_best=$ratio"
    fi
done

# The whole training run: `cxr train` against the same recipe in PyTorch
# (bench/reference_train.py): ResNet50 from scratch on the sample's
# training images, a tenth of them for validation, validation every epoch,
# the best model kept, the test images predicted at the end. Images per
# second of the whole process, start to exit.
e2e_epochs=3 e2e_size=128
[ -n "$quick" ] && e2e_epochs=1 e2e_size=64
run_ours_e2e() {
    local out
    out=$(mktemp -d)
    local t0=$(date +%s.%N)
    "$cxr" train "$data" --out "$out/run" --arch resnet50 --init scratch --epochs "$e2e_epochs" \
        --image-size "$e2e_size" --batch-size 16 --threads "$threads" --loader-threads 2 >/dev/null
    local t1=$(date +%s.%N)
    "$python" - "$out/run" "$t0" "$t1" "$e2e_epochs" <<'PY'
import json, sys
run, t0, t1, epochs = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
with open(f"{run}/dataset.json") as f:
    train = json.load(f)["images"]["train"]
images = epochs * sum(train.values())
print(json.dumps({"images_per_second": images / (t1 - t0), "seconds": t1 - t0}))
PY
    rm -rf "$out"
}
ours="[" ref="[" best="["
for ((r = 0; r < rounds; r++)); do
    sep=""
    [ "$r" -gt 0 ] && sep=","
    ours+=$sep$(run_ours_e2e)
    ref+=$sep$("$python" "$root/bench/reference_train.py" "$data" --epochs "$e2e_epochs" \
        --image-size "$e2e_size" --threads "$threads" --workers 2)
    best+=$sep$("$python" "$root/bench/reference_train.py" "$data" --best --epochs "$e2e_epochs" \
        --image-size "$e2e_size" --threads "$threads" --workers 2)
done
for pair in "train_e2e|$ref]" "train_e2e_best|$best]"; do
    line=$(compare_runs "$ours]" "${pair#*|}" "${pair%%|*}")
    echo "${line%%|*}"
    IFS='|' read -r _ ratio _ _ <<<"$line"
    ratios+=" ${pair%%|*}=$ratio"
done
printf 'peak memory of a ResNet50 training step: CXR Studio %.0f MB, reference %.0f MB\n' "$mem_ours" "$mem_ref"
echo "machine: $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ //'), peak ~${peak} GFLOP/s, threads $threads"
echo "$ratios"
