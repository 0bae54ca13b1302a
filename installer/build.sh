#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Configures and builds CXR Studio with CMake + Ninja.
# Usage: installer/build.sh BUILD_TYPE BUILD_DIR [extra cmake arguments...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_type=${1:?build type (Release, RelWithDebInfo, Debug)}
build_dir=${2:?build folder}
shift 2

# ccache keys on paths relative to the source tree, so a fresh clone in
# another folder (as CI makes) reuses the cache of earlier builds.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1

# Two cores and ~1 GB per LibTorch translation unit: two jobs fit.
jobs=${CXR_BUILD_JOBS:-$(nproc)}
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" "$@"
cmake --build "$build_dir" --parallel "$jobs"
