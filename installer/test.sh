#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what is missing, builds with warnings as errors, and runs every
# test with ctest (output shown for failures).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/installer/install-deps.sh"
"$root/installer/build.sh" Release "$root/build/test" -DCXR_WARNINGS_AS_ERRORS=ON -DCXR_BUILD_TESTS=ON
ctest --test-dir "$root/build/test" --output-on-failure --parallel "$(nproc)" --timeout 1500
