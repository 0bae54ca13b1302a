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
// With this many held-out images their own 99th percentile is the
// threshold. With fewer it would be little more than their largest score
// (12 images on the sample), and it moved between 14 and 85 from seed to
// seed; the threshold is cross-fitted instead.
constexpr std::size_t kGateHeldOutForPercentile = 200;
// Folds of the cross-fitting.
constexpr int kGateFolds = 5;
// Held-out images needed to rescale the cross-fitted threshold (their
// median); with fewer it is used as it is.
constexpr std::size_t kGateHeldOutMinimum = 10;

// What fitting a gate did, for logs and summary.json.
struct GateFit {
    OodGate gate;
    std::size_t trainImages = 0, heldOutImages = 0;
    std::string thresholdFrom; // "val" or "cross-fitted"
};

// Fits the out-of-distribution gate of `network` (in eval mode, no
// gradients) to up to kGateImages of `train` (evenly spaced), and sets its
// threshold at the 99th percentile of scores of images like the training
// images that the gate was not fitted on:
// - "val": `heldOut`'s scores, when there are kGateHeldOutForPercentile;
// - "cross-fitted": each training image scored by a gate fitted without it
//   (kGateFolds folds), which gives a percentile of all of them. A gate
//   fitted on fewer images scores higher, so the result is multiplied by
//   the ratio of `heldOut`'s median score under the full gate to the
//   cross-fitted median.
// Labels come from `labelOf` (index.samples position -> label). Throws
// std::invalid_argument when fewer than two training images decode.
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
