#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets with clang, AddressSanitizer and UBSan, and
# runs each for SECONDS (default 60) on a working copy of its seed corpus
# (plus the shared DICOM samples for the DICOM target). Crashes land in
# build/fuzz/crashes/<target>/; the summary line per target gives the
# executions and whether anything was found.
# Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(image_decode dicom_decode csv_reader torch_file)
build="$root/build/fuzz"

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCXR_FUZZ=ON -DCXR_SANITIZE=address,undefined -DCXR_BUILD_UI=OFF -DCXR_BUILD_TESTS=ON >/dev/null
cmake --build "$build" --target "${targets[@]/#/fuzz_}"

for t in "${targets[@]}"; do
    corpus="$build/corpus/$t"
    crashes="$build/crashes/$t"
    mkdir -p "$corpus" "$crashes"
    cp -n "$root/tests/fuzz/corpus/$t/"* "$corpus/" 2>/dev/null || true
    if [ "$t" = dicom_decode ] && [ -d "$root/../shared/data/dicom-sample" ]; then
        cp -n "$root/../shared/data/dicom-sample/"*.dcm "$corpus/"
    fi
    log="$build/$t.log"
    set +e
    ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
        "$build/tests/fuzz/fuzz_$t" "$corpus" -max_total_time="$seconds" -rss_limit_mb=4096 \
        -max_len=1048576 -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1
    status=$?
    set -e
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    found=$(find "$crashes" -type f | wc -l)
    echo "$t: ${runs} executions in ${seconds} s, exit ${status}, ${found} crash files (log: $log)"
done
