#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The dataset audit at the real dataset's scale: writes 6,000 JPEGs of
# 1,200 to 2,000 pixels from the real sample (bench/scaled_dataset.py; once,
# kept in the folder given), then times `cxr audit` on them twice, with an
# empty survey cache and then with the one the first run wrote, and prints
# its summary. Usage: bench/audit_scale.sh [BUILD_DIR] [DATA_DIR] [N]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/test}
data=${2:-${XDG_CACHE_HOME:-$HOME/.cache}/cxr-studio/audit-scale}
count=${3:-6000}
sample="$root/../shared/data/cxr-sample"
[ -d "$sample/train" ] || { echo "audit_scale: needs the real sample at $sample" >&2; exit 1; }
if [ ! -f "$data/.complete-$count" ]; then
    echo "audit_scale: writing $count JPEGs to $data (a few minutes, once)"
    rm -rf "$data"
    /usr/bin/python3 "$root/bench/scaled_dataset.py" "$sample" "$data" "$count"
    touch "$data/.complete-$count"
fi
echo "audit_scale: $(nproc) cores, $(find "$data" -name '*.jpg' | wc -l) images, $(du -sh "$data" | cut -f1)"
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
for run in cold warm; do
    XDG_CACHE_HOME=$cache /usr/bin/time -f "audit_scale: $run survey cache: %e s wall, %M KiB peak memory" \
        "$build/app/cxr" audit "$data" --json > "$data/../audit-scale.json"
done
echo "audit_scale: survey cache $(du -sh "$cache" | cut -f1)"
/usr/bin/python3 - "$data/../audit-scale.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
groups = a["duplicates"]
print(f"audit_scale: {a['images']} images, audit's own time {a['seconds']:.1f} s; "
      f"{len(groups)} copy groups ({sum(g['kind'] == 'exact' for g in groups)} exact), "
      f"{len(a['outliers'])} outliers, shortcut balanced accuracy "
      f"{a['shortcut']['balanced_accuracy']:.2f} (chance {a['shortcut']['chance']:.2f})")
PY
