#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages CXR Studio builds and tests with.
# Idempotent and non-interactive: only missing packages are installed.
# Works as root or through sudo.
# Usage: installer/install-deps.sh [--package] [--fresh-check] [--extras]
#   --package      also the tools installer/package.sh uses (help2man, lintian, appstream)
#   --fresh-check  also what installer/fresh-check.sh uses (debootstrap)
#   --extras       also what bench/ood_gate.sh (scikit-image's sample photos),
#                  the run report's PDF test (Chromium prints it) and
#                  installer/screenshots.sh (ImageMagick's import, pdftoppm) use
#
# libopenblas0-openmp: LibTorch finds BLAS through libblas.so.3, which Debian
# otherwise serves from the reference BLAS; with one compute thread and a
# batch under 16 LibTorch runs 1x1 convolutions through BLAS, and training
# ResNet50 was five times slower (docs/benchmarks.md).
# Every package the configure, build, tests and run.sh need is named here:
# packages are installed without their recommendations, so nothing may be
# left to a recommendation (libdnnl-dev's CMake config needs OpenCL's, which
# libdnnl-dev only recommends).
set -euo pipefail

# Build and run-time libraries.
packages=(
    build-essential cmake ninja-build ccache pkg-config
    qt6-base-dev libqcustomplot-dev
    libtorch-dev libdnnl-dev ocl-icd-opencl-dev libgloo-dev libopencv-dev libdcmtk-dev
    nlohmann-json3-dev libcli11-dev libcsv-dev libssl-dev libcurl4-openssl-dev
    libgtest-dev libgmock-dev zlib1g-dev libgoogle-perftools-dev
    qt6-qpa-plugins libqt6svg6
    libopenblas0-openmp
    clang-format
)
# Test- and benchmark-only: PyTorch reference, headless display.
packages+=(python3-torchvision python3-torch xvfb xauth iproute2)
for option in "$@"; do
    case $option in
    --package) packages+=(help2man lintian appstream desktop-file-utils dpkg-dev file) ;;
    --fresh-check) packages+=(debootstrap) ;;
    --extras) packages+=(python3-skimage imagemagick chromium poppler-utils) ;;
    *)
        echo "install-deps: unknown option $option" >&2
        exit 2
        ;;
    esac
done

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo_cmd=(sudo)
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
