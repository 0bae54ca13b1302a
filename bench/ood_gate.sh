#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# How well the out-of-distribution gate tells foreign images from chest
# X-rays like the training images. A model trained on the real sample
# (../shared/data/cxr-sample; or MODEL, which must carry a gate) scores:
#   in distribution  the sample's 40 test X-rays
#   photos           scikit-image's sample pictures, made grey (python3-skimage)
#   phantoms         the synthetic demo images (cxr phantoms)
#   rotated          the test X-rays turned 90 degrees
#   inverted         the test X-rays with black and white swapped
# and prints, per set, the AUROC of the gate's score against the test
# X-rays, the share the gate flags at its threshold, and the share flagged
# by the gate or the input checks (colour, size, uniform). The photos are
# also scored in colour, where the colour check alone flags them.
# The gate's quality depends on the model, and the model on its seed: one
# model is trained per seed (ResNet50 from scratch, 96 px, 6 epochs, about
# a minute each on 2 cores), and the last table gives each figure's range
# over the seeds.
# Usage: bench/ood_gate.sh [CXR_BINARY] [SEEDS] [MODEL]
#   SEEDS  e.g. "1 2 3" (the default); MODEL: score one existing model instead
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cxr=${1:-$root/build/release/app/cxr}
seeds=${2:-1 2 3}
model=${3:-}
sample=$root/../shared/data/cxr-sample
skimage=/usr/lib/python3/dist-packages/skimage/data
[ -x "$cxr" ] || { echo "ood_gate: build first (installer/run.sh): $cxr" >&2; exit 1; }
[ -d "$sample" ] || { echo "ood_gate: the real sample is not at $sample" >&2; exit 1; }
[ -d "$skimage" ] || { echo "ood_gate: needs scikit-image's sample pictures (installer/install-deps.sh --extras)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$cxr" phantoms --out "$work/phantoms" --per-class 8 --test-per-class 0 --size 512 >/dev/null
/usr/bin/python3 - "$sample" "$skimage" "$work" <<'PY'
import glob, os, sys
import numpy as np
from PIL import Image
sample, skimage, work = sys.argv[1:]
for name in ("photos", "photos_colour", "rotated", "inverted"):
    os.makedirs(os.path.join(work, name))
for f in sorted(os.listdir(skimage)):
    if not f.endswith((".png", ".jpg")) or f == "truncated.jpg":
        continue
    try:
        image = Image.open(os.path.join(skimage, f))
        image.load()
    except OSError:
        continue
    if min(image.size) < 64:
        continue
    stem = os.path.splitext(f)[0] + ".png"
    image.convert("L").save(os.path.join(work, "photos", stem))
    if image.mode not in ("L", "I", "I;16", "1", "P"):
        image.convert("RGB").save(os.path.join(work, "photos_colour", stem))
for f in sorted(glob.glob(os.path.join(sample, "test", "*", "*"))):
    grey = Image.open(f).convert("L")
    base = os.path.basename(f).rsplit(".", 1)[0] + ".png"
    grey.rotate(90, expand=True).save(os.path.join(work, "rotated", base))
    Image.fromarray(255 - np.asarray(grey)).save(os.path.join(work, "inverted", base))
PY

sets=(in_distribution photos photos_colour phantoms rotated inverted)
score_model() { # model, folder for the JSON
    local model=$1 out=$2
    mkdir -p "$out"
    predict() { # set name, files...
        local name=$1
        shift
        "$cxr" predict "$model" "$@" --json 2>/dev/null >"$out/$name.json"
    }
    predict in_distribution "$sample"/test/*/*
    predict photos "$work"/photos/*
    predict photos_colour "$work"/photos_colour/*
    predict phantoms $(find "$work/phantoms/train" -name '*.png' ! -name '*mask*' | sort)
    predict rotated "$work"/rotated/*
    predict inverted "$work"/inverted/*
}

results=()
if [ -n "$model" ]; then
    score_model "$model" "$work/scores/given"
    results+=("$work/scores/given")
else
    for seed in $seeds; do
        echo "ood_gate: seed $seed: training ResNet50 from scratch on the sample (96 px, 6 epochs)"
        "$cxr" train "$sample" --out "$work/run$seed" --epochs 6 --image-size 96 \
            --init scratch --threads 2 --seed "$seed" | tail -n 1
        score_model "$work/run$seed/best.pt" "$work/scores/seed$seed"
        results+=("$work/scores/seed$seed")
    done
fi

/usr/bin/python3 - "${results[@]}" <<'PY'
import json, os, sys
def auroc(positive, negative):
    wins = sum((p > n) + 0.5 * (p == n) for p in positive for n in negative)
    return wins / (len(positive) * len(negative))
names = ("in_distribution", "photos", "photos_colour", "phantoms", "rotated", "inverted")
rows = {n: [] for n in names}
for folder in sys.argv[1:]:
    load = lambda name: json.load(open(os.path.join(folder, name + ".json")))
    reference = load("in_distribution")
    if "ood" not in reference[0]:
        sys.exit("ood_gate: the model has no gate (train it with this version, or cxr calibrate it)")
    scores = [e["ood"]["score"] for e in reference]
    print(f"{os.path.basename(folder)}: gate threshold {reference[0]['ood']['threshold']:.3f}")
    for name in names:
        entries = load(name)
        own = [e["ood"]["score"] for e in entries]
        area = None if name == "in_distribution" else auroc(own, scores)
        gate = sum(e["ood"]["flagged"] for e in entries) / len(entries)
        either = sum(not e["in_distribution"] for e in entries) / len(entries)
        rows[name].append((len(entries), area, gate, either))
        shown = "-" if area is None else f"{area:.3f}"
        print(f"  {name:16s} {len(entries):3d} images  AUROC {shown}  gate {gate:.0%}  either {either:.0%}")
def span(values, percent=False):
    lo, hi = min(values), max(values)
    fmt = (lambda v: f"{v:.0%}") if percent else (lambda v: f"{v:.3f}")
    return fmt(lo) if lo == hi else f"{fmt(lo)}-{fmt(hi)}"
print(f"\nover {len(sys.argv) - 1} model(s):")
print("| images | count | AUROC of the score | flagged by the gate | flagged by gate or checks |")
print("|---|---|---|---|---|")
for name in names:
    r = rows[name]
    area = "-" if r[0][1] is None else span([x[1] for x in r])
    print(f"| {name.replace('_', ' ')} | {r[0][0]} | {area} | {span([x[2] for x in r], True)} "
          f"| {span([x[3] for x in r], True)} |")
PY
