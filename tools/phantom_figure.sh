#!/bin/bash
# SPDX-License-Identifier: MIT
# Makes docs/images/phantom-overlay.png: a model's Grad-CAM on the first test
# phantom of each lesion class, without smoothing, with --smooth-flips and
# with --smooth-flips --shifts 2, above the lesion masks. A ring marks each
# map's maximum: green inside the mask (a pointing-game hit), white outside.
# Analysis only; needs ImageMagick's montage and /usr/bin/python3 with PIL.
#
# Usage: tools/phantom_figure.sh CXR MODEL.pt PHANTOMS OUT.png
set -euo pipefail
cxr=$1 model=$2 phantoms=$3 out=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mark_peak() { # overlay heatmap mask
    /usr/bin/python3 - "$@" <<'PY'
import sys
import numpy as np
from PIL import Image, ImageDraw
overlay, heat, mask = sys.argv[1:4]
h = np.array(Image.open(heat)).astype(np.float32)
y, x = np.unravel_index(int(h.argmax()), h.shape)
colour = (0, 255, 0) if np.array(Image.open(mask))[y, x] > 0 else (255, 255, 255)
image = Image.open(overlay).convert("RGB")
draw = ImageDraw.Draw(image)
for r, c in ((7, (0, 0, 0)), (6, colour), (5, colour)):
    draw.ellipse((x - r, y - r, x + r, y + r), outline=c, width=1)
draw.line((x - 3, y, x + 3, y), fill=colour)
draw.line((x, y - 3, x, y + 3), fill=colour)
image.save(overlay)
PY
}

tiles=()
for row in plain flips shifts mask; do
    for class in BACTERIA VIRUS COVID19; do
        name=phantom_${class}_0000
        image=$phantoms/test/$class/$name.png
        mask=$phantoms/masks/test/$class/$name.png
        case $row in
        plain) options=() label="Grad-CAM" ;;
        flips) options=(--smooth-flips) label="--smooth-flips" ;;
        shifts) options=(--smooth-flips --shifts 2) label="--smooth-flips --shifts 2" ;;
        mask) options=() label="$class lesion mask" ;;
        esac
        tile=$work/$name-$row.png
        if [ "$row" = mask ]; then
            cp "$mask" "$tile"
        else
            "$cxr" explain "$model" "$image" --class "$class" "${options[@]}" \
                --out "$tile" --heatmap "$work/heat.png" >/dev/null
            mark_peak "$tile" "$work/heat.png" "$mask"
        fi
        tiles+=(-label "$label" "$tile")
    done
done
montage "${tiles[@]}" -tile 3x4 -geometry 224x224+4+4 -pointsize 13 "$work/figure.png"
convert "$work/figure.png" -strip -dither None -colors 256 "PNG8:$out"
