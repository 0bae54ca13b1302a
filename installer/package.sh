#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the Debian package cxr-studio_<version>_amd64.deb with CPack: a
# Release build with Debian's hardening flags, man pages from the programs'
# --help, then lintian (errors fail the build). The last line printed is the
# path of the .deb.
# Usage: installer/package.sh [BUILD_DIR]   (default build/package)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/package}
"$root/installer/install-deps.sh" --package >&2

# Debian's own compiler and linker flags (fortify, stack protector, relro, now).
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
CXXFLAGS="$(dpkg-buildflags --get CXXFLAGS) $(dpkg-buildflags --get CPPFLAGS)"
LDFLAGS=$(dpkg-buildflags --get LDFLAGS)
export CXXFLAGS LDFLAGS
"$root/installer/build.sh" Release "$build" -DCXR_BUILD_TESTS=OFF -DCXR_BUILD_UI=ON \
    -DCMAKE_INSTALL_PREFIX=/usr >&2
cmake --build "$build" --target man_pages >&2
rm -f "$build"/cxr-studio_*.deb
(cd "$build" && cpack -G DEB >&2)
deb=$(ls "$build"/cxr-studio_*.deb)

# lintian: errors fail; warnings are printed (docs/packaging.md lists those
# that remain and why).
lintian_out=$(lintian --tag-display-limit 0 "$deb" 2>&1 || true)
[ -n "$lintian_out" ] && echo "$lintian_out" >&2
if grep -q '^E:' <<<"$lintian_out"; then
    echo "package: lintian reports errors" >&2
    exit 1
fi
echo "$deb"
