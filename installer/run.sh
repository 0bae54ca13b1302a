#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Quick start: installs what is missing, builds (Release), writes the
# synthetic demo dataset if absent, and starts CXR Studio on it. Without a
# display it runs a short command-line demo instead.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/installer/install-deps.sh"
"$root/installer/build.sh" Release "$root/build/release"
bin="$root/build/release/app"

demo="${XDG_CACHE_HOME:-$HOME/.cache}/cxr-studio/demo-phantoms"
if [ ! -f "$demo/README.md" ]; then
    "$bin/cxr" phantoms --out "$demo"
fi

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec "$bin/cxr-studio" --dataset "$demo" "$@"
fi
echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset): showing the command-line demo."
echo "To see the desktop application, run this script from a graphical session."
echo
"$bin/cxr" stats "$demo"
