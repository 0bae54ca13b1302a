#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Proves the README on a new Debian 12 machine: makes a minimal Debian root
# with debootstrap, puts this source tree in it and runs there what a new user
# runs. Root only, no prompts; exits 0 only when every step passed; removes
# the root afterwards.
#
#   installer/fresh-check.sh              ./installer/test.sh, then ./installer/run.sh
#                                         without a display (the README's quick start)
#   installer/fresh-check.sh --build      install-deps.sh, CMake configure (all options
#                                         on) and a build of `cxr`: what CI runs
#   installer/fresh-check.sh --package [DEB]
#                                         installs the .deb (built by installer/package.sh
#                                         unless given) with apt alone, then runs cxr
#                                         --version, phantoms and stats, and cxr-studio
#                                         under xvfb-run
#
# Downloaded .deb files are kept in $CXR_FRESH_CACHE (default
# ~/.cache/cxr-studio/fresh-check) so that a second check does not fetch them
# again; every package is still unpacked and installed into a new root. The
# host's ccache folder is shared into the root, so a build already cached on
# the host is not compiled twice.
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
mode=readme
deb=""
case "${1:-}" in
"") ;;
--build) mode=build ;;
--package)
    mode=package
    deb=${2:-}
    ;;
-h | --help)
    sed -n '3,22p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
*)
    echo "fresh-check: unknown option $1 (try --help)" >&2
    exit 2
    ;;
esac

die() {
    echo "fresh-check: FAILED: $*" >&2
    exit 1
}
[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap and chroot need it)"
command -v debootstrap >/dev/null || "$source_dir/installer/install-deps.sh" --fresh-check

export DEBIAN_FRONTEND=noninteractive
suite=bookworm
cache=${CXR_FRESH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cxr-studio/fresh-check}
ccache_dir=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccache}
mkdir -p "$cache/debootstrap" "$cache/apt" "$ccache_dir"

# The Debian mirror the machine's own apt sources name: `URIs:` lines of
# deb822 files and `deb URL` lines of one-line files, comments ignored.
apt_uris() {
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
        2>/dev/null | sed 's/#.*//' |
        awk '$1 == "URIs:" { for (i = 2; i <= NF; i++) print $i }
             $1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }'
}
mirror=$(apt_uris | grep -E '/debian/?$' | head -n1 || true)
mirror=${mirror:-http://deb.debian.org/debian}
mirror=${mirror%/}
security=$(apt_uris | grep -E '/debian-security/?$' | head -n1 || true)
security=${security%/}

phase_start=0
phase() { # name: starts timing a phase
    phase_name=$1
    phase_start=$(date +%s)
    echo "fresh-check: [$phase_name] ..."
}
phase_done() {
    local seconds=$(($(date +%s) - phase_start))
    printf 'fresh-check: [%s] done in %d min %02d s\n' "$phase_name" $((seconds / 60)) $((seconds % 60))
    timings+=("$(printf '%-46s %4d s' "$phase_name" "$seconds")")
}
timings=()
# Long, chatty steps write to a log here; a failing step prints its tail.
logs=$(mktemp -d "${TMPDIR:-/var/tmp}/cxr-fresh-logs.XXXXXX")
# logged NAME COMMAND...: runs a command with its output in $logs/NAME.log.
logged() {
    local name=$1
    shift
    if ! "$@" >"$logs/$name.log" 2>&1; then
        echo "fresh-check: last lines of $logs/$name.log:" >&2
        tail -n 40 "$logs/$name.log" >&2
        keep_logs=1
        return 1
    fi
}
keep_logs=0

roots=()
# mounts_under DIR: every mount point below DIR, deepest first, read from
# the kernel's own table (field 5 of /proc/self/mountinfo).
mounts_under() {
    awk -v p="$1/" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo | sort -r -u
}
cleanup() {
    set +e
    local r m pass pid
    for r in "${roots[@]}"; do
        # Processes still running in the root (a daemon a package started)
        # would keep its mounts busy.
        for pid in /proc/[0-9]*; do
            [ "$(readlink "$pid/root" 2>/dev/null)" = "$r" ] && kill -9 "${pid#/proc/}" 2>/dev/null
        done
        # Unmount everything below the root, deepest first, and delete the
        # root only when nothing is mounted there any more: the caches and the
        # shared data are bind mounts of the host's own folders.
        for pass in 1 2 3 4 5; do
            [ -z "$(mounts_under "$r")" ] && break
            while read -r m; do
                umount "$m" 2>/dev/null || umount --lazy "$m" 2>/dev/null
            done < <(mounts_under "$r")
        done
        if [ ! -r /proc/self/mountinfo ] || [ -n "$(mounts_under "$r")" ]; then
            echo "fresh-check: $r may still have mounts; left in place" >&2
        else
            rm -rf --one-file-system "$r"
        fi
    done
}
finish() {
    cleanup
    if [ "$keep_logs" = 1 ]; then
        echo "fresh-check: logs kept in $logs" >&2
    else
        rm -rf "$logs"
    fi
}
trap finish EXIT
trap 'exit 130' INT TERM

# make_root: a minimal Debian 12 root with apt sources and the shared caches.
make_root() {
    local r
    r=$(mktemp -d "${TMPDIR:-/var/tmp}/cxr-fresh.XXXXXX")
    roots+=("$r")
    phase "debootstrap $suite (minbase)"
    logged debootstrap debootstrap --variant=minbase --cache-dir="$cache/debootstrap" "$suite" "$r" \
        "$mirror" || die "debootstrap failed"
    phase_done
    {
        echo "deb $mirror $suite main"
        echo "deb $mirror $suite-updates main"
        [ -n "$security" ] && echo "deb $security $suite-security main"
    } >"$r/etc/apt/sources.list"
    cp /etc/resolv.conf "$r/etc/resolv.conf"
    mount -t proc proc "$r/proc"
    mount --rbind /sys "$r/sys"
    mount --make-rslave "$r/sys"
    mount --rbind /dev "$r/dev"
    mount --make-rslave "$r/dev"
    mount -t tmpfs tmpfs "$r/tmp"
    mount --bind "$cache/apt" "$r/var/cache/apt/archives"
    fresh_root=$r
}

# in_root DIR COMMAND...: runs a command in the root as a new user's login
# shell would, with nothing of the host's environment but the ccache setup.
in_root() {
    local dir=$1
    shift
    chroot "$fresh_root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        DEBIAN_FRONTEND=noninteractive CCACHE_DIR=/var/cache/ccache \
        /bin/bash -c 'cd "$0" && "$@"' "$dir" "$@"
}

# put_source: copies the tree as a clean clone would have it (tracked and
# untracked files that git does not ignore; no build folders) to the same path
# inside the root, and shares ../shared/data read-only beside it.
put_source() {
    local target="$fresh_root$source_dir"
    mkdir -p "$target"
    if git -C "$source_dir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "$source_dir" && git ls-files -z --cached --others --exclude-standard |
            tar --null -T - -cf -) | tar -xf - -C "$target"
    else
        tar -C "$source_dir" --exclude=./build --exclude=./.git -cf - . | tar -xf - -C "$target"
    fi
    local shared
    shared=$(cd "$source_dir/.." && pwd)/shared/data
    if [ -d "$shared" ]; then
        mkdir -p "$fresh_root$shared"
        mount --bind -o ro "$shared" "$fresh_root$shared"
        mount -o remount,bind,ro "$fresh_root$shared"
    fi
    mkdir -p "$fresh_root/var/cache/ccache"
    mount --bind "$ccache_dir" "$fresh_root/var/cache/ccache"
}

check_readme() {
    make_root
    put_source
    phase "./installer/test.sh"
    in_root "$source_dir" ./installer/test.sh || die "./installer/test.sh failed in the fresh root"
    phase_done
    phase "./installer/run.sh (no display)"
    local out
    out=$(in_root "$source_dir" ./installer/run.sh 2>&1) || {
        echo "$out" >&2
        die "./installer/run.sh failed in the fresh root"
    }
    echo "$out" | tail -n 15
    grep -q "command-line demo" <<<"$out" || die "./installer/run.sh did not show the command-line demo"
    phase_done
}

check_build() {
    make_root
    put_source
    phase "installer/install-deps.sh"
    logged install-deps in_root "$source_dir" ./installer/install-deps.sh ||
        die "install-deps.sh failed in the fresh root"
    phase_done
    phase "cmake configure (UI, tests)"
    logged configure in_root "$source_dir" cmake -S . -B build/fresh -G Ninja \
        -DCMAKE_BUILD_TYPE=Release -DCXR_BUILD_UI=ON -DCXR_BUILD_TESTS=ON \
        -DCXR_WARNINGS_AS_ERRORS=ON || die "CMake configure failed in the fresh root"
    phase_done
    phase "build cxr"
    logged build in_root "$source_dir" env CCACHE_BASEDIR="$source_dir" CCACHE_NOHASHDIR=1 \
        cmake --build build/fresh --target cxr || die "building cxr failed in the fresh root"
    in_root "$source_dir" build/fresh/app/cxr --version || die "the fresh build's cxr --version failed"
    phase_done
}

check_package() {
    if [ -z "$deb" ]; then
        phase "installer/package.sh (host)"
        deb=$("$source_dir/installer/package.sh" | tail -n 1) || die "installer/package.sh failed"
        phase_done
    fi
    [ -f "$deb" ] || die "no package at $deb"
    make_root
    cp "$deb" "$fresh_root/tmp/"
    local name
    name=$(basename "$deb")
    phase "apt-get install ./$name"
    logged install-package in_root /tmp sh -c \
        "apt-get update -qq && apt-get install -y -qq --no-install-recommends ./$name" ||
        die "apt-get install ./$name failed"
    phase_done
    phase "cxr --version, phantoms, stats"
    in_root /tmp cxr --version || die "cxr --version failed"
    in_root /tmp cxr phantoms --out /tmp/demo --per-class 6 --test-per-class 2 --size 128 >/dev/null ||
        die "cxr phantoms failed"
    in_root /tmp cxr stats /tmp/demo || die "cxr stats failed"
    phase_done
    phase "cxr-studio under xvfb-run"
    # Tools for this check only, installed after the package so they cannot
    # satisfy one of its dependencies by accident.
    logged install-xvfb in_root /tmp apt-get install -y -qq --no-install-recommends xvfb xauth \
        x11-utils || die "could not install xvfb for the window check"
    # The main window: the largest window titled "CXR Studio", mapped and
    # at least 640 x 400 pixels (Qt also makes 1 x 1 helper windows).
    local report
    report=$(in_root /tmp xvfb-run -a -s "-screen 0 1280x800x24" sh -c '
        cxr-studio --demo >/tmp/studio.log 2>&1 & pid=$!
        sleep 12
        kill -0 $pid || { echo "cxr-studio exited:"; cat /tmp/studio.log; exit 1; }
        id=$(xwininfo -root -tree | grep "\"CXR Studio" |
            sed -E "s/^ *(0x[0-9a-f]+) .*\) +([0-9]+)x([0-9]+)\+.*/\2 \3 \1/" |
            sort -n -r | awk "\$1 >= 640 && \$2 >= 400 { print \$3; exit }")
        [ -n "$id" ] || { echo "no window of 640 x 400 or more titled CXR Studio"; exit 1; }
        xwininfo -id "$id" | grep -E "xwininfo:|Width|Height|Map State"
        xwininfo -id "$id" | grep -q "IsViewable" || { echo "the window is not shown"; exit 1; }
        kill $pid') || {
        echo "$report" >&2
        die "cxr-studio did not stay up with a window under xvfb-run"
    }
    echo "$report" | sed 's/^ */fresh-check:   /'
    [ -f "$fresh_root/root/.cache/cxr-studio/demo-phantoms/README.md" ] ||
        die "the demo dataset was not written to the user's cache folder"
    phase_done
}

total_start=$(date +%s)
case $mode in
readme) check_readme ;;
build) check_build ;;
package) check_package ;;
esac
echo "fresh-check: phase times"
printf '  %s\n' "${timings[@]}"
echo "fresh-check: all steps passed in $(($(date +%s) - total_start)) s"
