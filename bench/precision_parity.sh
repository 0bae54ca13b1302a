#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Does bfloat16 training reach the accuracy of float32 training? Trains the
# same configuration with --precision fp32 and bf16 over several seeds, on
# the real sample and on phantoms, and prints each run's test balanced
# accuracy and, per dataset and precision, the mean and the spread (min to
# max) over seeds. bf16 is on a par when its range overlaps fp32's.
# The sample: ResNet50 from scratch, --epochs at --image-size with the
# paper's augmentation. Phantoms (256 training images drawn at 64 px): 10
# epochs at 64 px without augmentation, the setting in which they are
# learned well above chance.
# Usage: bench/precision_parity.sh [--build DIR] [--seeds N] [--epochs N] [--image-size N]
#                                  [--datasets "sample phantoms"]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build/release"
seeds=3 epochs=5 size=128 datasets="sample phantoms"
while [ $# -gt 0 ]; do
    case "$1" in
        --build) build=$2; shift ;;
        --seeds) seeds=$2; shift ;;
        --epochs) epochs=$2; shift ;;
        --image-size) size=$2; shift ;;
        --datasets) datasets=$2; shift ;;
        *) echo "usage: bench/precision_parity.sh [--build DIR] [--seeds N] [--epochs N] [--image-size N] [--datasets LIST]" >&2; exit 2 ;;
    esac
    shift
done
[ -x "$build/app/cxr" ] || "$root/installer/build.sh" Release "$build" >/dev/null
cxr="$build/app/cxr"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sample="$root/../shared/data/cxr-sample"
[ -d "$sample" ] || { echo "precision_parity: $sample not found (the real sample X-rays)" >&2; exit 1; }
"$cxr" phantoms --out "$work/phantoms" --per-class 64 --test-per-class 16 --size 64 >/dev/null

printf '%-9s %-5s %5s %10s %8s\n' dataset prec seed "bal. acc" seconds
results="$work/results.txt"
for dataset in $datasets; do
    data=$sample
    settings=(--epochs "$epochs" --image-size "$size")
    if [ "$dataset" = phantoms ]; then
        data="$work/phantoms"
        settings=(--epochs 10 --image-size 64 --no-augment --val-fraction 0.15)
    fi
    for ((seed = 1; seed <= seeds; seed++)); do
        for precision in fp32 bf16; do
            run="$work/$dataset-$precision-$seed"
            start=$(date +%s.%N)
            "$cxr" train "$data" --out "$run" --arch resnet50 --init scratch "${settings[@]}" \
                --seed "$seed" --precision "$precision" >/dev/null
            end=$(date +%s.%N)
            accuracy=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["test"]["balanced_accuracy"])' "$run/summary.json")
            printf '%-9s %-5s %5d %10.3f %8.0f\n' "$dataset" "$precision" "$seed" "$accuracy" \
                "$(echo "$end - $start" | bc)"
            echo "$dataset $precision $accuracy" >>"$results"
        done
    done
done
echo
/usr/bin/python3 - "$results" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    dataset, precision, accuracy = line.split()
    runs[(dataset, precision)].append(float(accuracy))
for (dataset, precision), values in sorted(runs.items()):
    print(f"{dataset:<9} {precision:<5} balanced accuracy mean {statistics.mean(values):.3f}, "
          f"range {min(values):.3f} to {max(values):.3f} over {len(values)} seeds")
PY
