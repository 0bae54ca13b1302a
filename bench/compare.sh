#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CXR Studio against the PyTorch reference, workload by workload, on this
# machine: each workload runs in its own process, ours then the reference,
# with the same threads, batch, image size and data. Prints a table and, as
# its last line, "ratios: ..." (reference time / CXR Studio time: above 1
# means CXR Studio is faster).
# Usage: bench/compare.sh [--quick] [--threads N] [--build DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
quick=""
threads=$(nproc)
build="$root/build/release"
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick="--quick" ;;
        --threads) threads=$2; shift ;;
        --build) build=$2; shift ;;
        *) echo "usage: bench/compare.sh [--quick] [--threads N] [--build DIR]" >&2; exit 2 ;;
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
# FLOP per image: training ~3x the forward pass.
declare -A flop=([train_resnet50]=24.6 [train_densenet121]=17.2 [infer_resnet50]=8.2
                 [infer_densenet121]=5.7 [gradcam_resnet50]=8.2)

workloads=(pipeline train_resnet50 train_densenet121 infer_resnet50 infer_densenet121 gradcam_resnet50)
printf '%-18s %14s %14s %8s %10s\n' workload "CXR Studio" reference ratio "% of peak"
ratios="ratios:"
mem_ours=0
mem_ref=0
# This is a shared virtual machine whose speed drifts by 20% over minutes,
# so the short workloads alternate ours/reference several times and each
# side reports its median: drift then hits both sides alike.
declare -A rounds=([pipeline]=3 [train_resnet50]=3 [train_densenet121]=3 [infer_resnet50]=3 [infer_densenet121]=3 [gradcam_resnet50]=3)
for w in "${workloads[@]}"; do
    n=${rounds[$w]:-1}
    [ -n "$quick" ] && n=1
    ours="["
    ref="["
    for ((r = 0; r < n; r++)); do
        [ "$r" -gt 0 ] && ours+="," && ref+=","
        ours+=$("$cxr" bench "$w" $quick --threads "$threads" --data "$data")
        ref+=$("$python" "$root/bench/reference.py" "$w" $quick --threads "$threads" --data "$data")
    done
    ours+="]"
    ref+="]"
    line=$("$python" - "$ours" "$ref" "$w" "${flop[$w]:-0}" "$peak" <<'PY'
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
)
    echo "${line%%|*}"
    IFS='|' read -r _ ratio rss_ours rss_ref <<<"$line"
    ratios+=" $w=$ratio"
    if [ "$w" = train_resnet50 ]; then mem_ours=$rss_ours; mem_ref=$rss_ref; fi
done
printf 'peak memory of a ResNet50 training step: CXR Studio %.0f MB, reference %.0f MB\n' "$mem_ours" "$mem_ref"
echo "machine: $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ //'), peak ~${peak} GFLOP/s, threads $threads"
echo "$ratios"
