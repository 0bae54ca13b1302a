// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

#include <c10/core/Device.h>

#include "data/dataset_index.h"
#include "infer/ood_gate.h"
#include "loader/batch_loader.h"
#include "models/network.h"
#include "progress.h"

namespace cxr {

// At most this many training images fit the gate: its statistics settle
// long before, and a pass over all 4,700 CoronaHack training images would
// add minutes to the end of every run.
constexpr std::size_t kGateImages = 1000;
// Fewer held-out images than this make no percentile worth the name; the
// training images' own scores (lower than new images') stand in.
constexpr std::size_t kGateHeldOutMinimum = 10;

// What fitting a gate did, for logs and summary.json.
struct GateFit {
    OodGate gate;
    std::size_t trainImages = 0, heldOutImages = 0;
    std::string thresholdFrom; // "held-out" or "train"
};

// Fits the out-of-distribution gate of `network` (in eval mode, no
// gradients): its pooled features of up to kGateImages of `train`
// (evenly spaced), the threshold at the 99th percentile of `heldOut`'s
// scores. Labels come from `labelOf` (index.samples position -> label).
// Throws std::invalid_argument when fewer than two training images decode.
GateFit fitGate(NetworkImpl &network,
                const DatasetIndex &index,
                const std::vector<std::size_t> &train,
                const std::vector<std::size_t> &heldOut,
                const std::vector<int> &labelOf,
                int classes,
                const BatchLoader::Options &loading,
                c10::Device device,
                const CancelToken *cancel = nullptr);

} // namespace cxr
