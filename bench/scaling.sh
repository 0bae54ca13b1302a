#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Data-parallel scaling of ResNet50 training (224 px, one Adam step on a
# batch in memory, per process): 1 process x 1 thread, 2 processes x 1
# thread on this machine (torchrun), and 2 "machines" (network namespaces
# joined by a veth pair, shaped with tc netem, or tc tbf where the kernel has
# no netem) at 1 and 10 Gbit/s. From the
# measured compute time per step and the all-reduce times it projects the
# speed-up on 4 and 8 machines. Root is needed for the namespaces; without
# it that part is skipped with the reason.
# The machines are noisy: the one- and two-process runs alternate, ROUNDS
# times, and the tables show medians.
# Usage: bench/scaling.sh [CXR_BINARY] [BATCH_PER_PROCESS] [ROUNDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cxr=${1:-$root/build/release/app/cxr}
batch=${2:-8}
rounds=${3:-3}
torchrun=/usr/bin/torchrun
[ -x "$cxr" ] || { echo "scaling: build first (installer/run.sh): $cxr" >&2; exit 1; }
[ -x "$torchrun" ] || { echo "scaling: $torchrun not found (python3-torch)" >&2; exit 1; }
work=$(mktemp -d)
tag=$$
cleanup() {
    ip netns del "cxrbenchA$tag" 2>/dev/null || true
    ip netns del "cxrbenchB$tag" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

bench=(bench train_resnet50 --threads 1 --batch-size "$batch" --image-size 224)
# torchrun 1.13 under Python 3.11 needs --redirects and --tee set.
launch=("$torchrun" --no_python --redirects 1 --tee 1)
json() { grep -o '{.*}' | tail -n 1; }
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])['$2'])" "$1"; }

ones=() twos=()
for round in $(seq "$rounds"); do
    one=$("$cxr" "${bench[@]}" | json)
    echo "scaling: round $round, 1 process x 1 thread (batch $batch): $one"
    ones+=("$one")
    two=$("${launch[@]}" --nproc_per_node=2 --master_port=29581 "$cxr" "${bench[@]}" 2>/dev/null | json)
    echo "scaling: round $round, 2 processes x 1 thread (batch $batch each): $two"
    twos+=("$two")
done

links=()
if [ "$(id -u)" -ne 0 ]; then
    echo "scaling: two-namespace runs skipped: they need root (ip netns, tc)"
else
    a=cxrbenchA$tag b=cxrbenchB$tag
    ip netns add "$a"
    ip netns add "$b"
    ip link add "cxba$tag" type veth peer name "cxbb$tag"
    ip link set "cxba$tag" netns "$a"
    ip link set "cxbb$tag" netns "$b"
    ip -n "$a" addr add 10.232.0.1/24 dev "cxba$tag"
    ip -n "$b" addr add 10.232.0.2/24 dev "cxbb$tag"
    for ns in "$a" "$b"; do ip -n "$ns" link set lo up; done
    ip -n "$a" link set "cxba$tag" up
    ip -n "$b" link set "cxbb$tag" up
    for rate in 1gbit 10gbit; do
        for side in "$a cxba$tag" "$b cxbb$tag"; do
            set -- $side
            # netem (rate and a 0.1 ms delay) where the kernel has it; else a
            # token bucket (rate only), whose burst must cover one timer tick.
            ip netns exec "$1" tc qdisc replace dev "$2" root netem rate "$rate" delay 0.1ms \
                2>/dev/null || {
                shaper="tbf (netem unavailable)"
                ip netns exec "$1" tc qdisc replace dev "$2" root tbf rate "$rate" burst 16mb \
                    latency 100ms
            }
        done
        node() { # rank namespace link
            ip netns exec "$2" env GLOO_SOCKET_IFNAME="$3" "${launch[@]}" --nnodes=2 \
                --node_rank="$1" --nproc_per_node=1 --master_addr=10.232.0.1 --master_port=29582 \
                "$cxr" "${bench[@]}"
        }
        for round in $(seq "$rounds"); do
            node 1 "$b" "cxbb$tag" >"$work/b.log" 2>&1 &
            result=$(node 0 "$a" "cxba$tag" 2>/dev/null | json)
            wait
            echo "scaling: round $round, 2 machines over veth at $rate (${shaper:-netem}): $result"
            links+=("$rate $result")
        done
    done
fi

python3 - "$batch" "$(printf '%s\n' "${ones[@]}")" "$(printf '%s\n' "${twos[@]}")" "${links[@]}" <<'EOF'
import json, statistics, sys
batch = int(sys.argv[1])
def medians(rows):
    rows = [json.loads(r) for r in rows]
    return {k: statistics.median(r[k] for r in rows) if isinstance(rows[0][k], (int, float)) else rows[0][k]
            for k in rows[0]}
one = medians(sys.argv[2].splitlines())
two = medians(sys.argv[3].splitlines())
by_rate = {}
for arg in sys.argv[4:]:
    rate, text = arg.split(" ", 1)
    by_rate.setdefault(rate, []).append(text)
links = [(rate, medians(rows)) for rate, rows in by_rate.items()]
print()
print("| setting | images/s (job) | vs 1 process | all-reduce alone (ms) | wait after backward (ms/step) |")
print("|---|---|---|---|---|")
print(f"| 1 process x 1 thread | {one['images_per_second']:.2f} | 1.00x | - | - |")
def row(name, r):
    print(f"| {name} | {r['job_images_per_second']:.2f} "
          f"| {r['job_images_per_second'] / one['images_per_second']:.2f}x "
          f"| {r['allreduce_ms']:.0f} | {r['exposed_communication_ms_per_step']:.0f} |")
row("2 processes x 1 thread, one machine", two)
for rate, r in links:
    row(f"2 machines, veth at {rate}", r)
print(f"\ngradients all-reduced per step: {two['gradient_megabytes']:.1f} MB")
if not links:
    sys.exit(0)
# Projection. One process's step (batch b) computes for t = b / rate. A ring
# all-reduce over N machines sends 2(N-1)/N of the gradients per machine, so
# its time is the 2-machine time times 2(N-1)/N. Backward hides the
# communication that fits behind it: the 2-machine run measured how much
# (all-reduce alone minus what is left waiting after backward); more machines
# add communication, not backward, so the rest is left waiting.
t = batch / one["images_per_second"]
print("\nProjected speed-up (measured step compute and link figures; see docs/benchmarks.md):\n")
print("| link | machines | all-reduce per step (s) | wait after backward (s) | step (s) | speed-up |")
print("|---|---|---|---|---|---|")
for rate, r in links:
    alone2 = r["allreduce_ms"] / 1000.0
    left2 = r["exposed_communication_ms_per_step"] / 1000.0
    hidden = max(0.0, alone2 - left2)
    for n in (2, 4, 8):
        alone = alone2 * 2 * (n - 1) / n
        left = max(0.0, alone - hidden)
        step = t + left
        print(f"| {rate} | {n} | {alone:.2f} | {left:.2f} | {step:.2f} | {n * t / step:.2f}x |")
EOF
