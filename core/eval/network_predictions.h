// SPDX-License-Identifier: MIT
#pragma once

#include <vector>

#include <c10/core/Device.h>

#include "data/dataset_index.h"
#include "eval/predictions.h"
#include "infer/ood_gate.h"
#include "loader/batch_loader.h"
#include "models/loss_config.h"
#include "models/network.h"
#include "progress.h"

namespace cxr {

// Runs `network` in eval mode without gradients over `samples` (indices
// into index.samples, with their `labels`), loaded as `loading` says (no
// augmentation), on `device`. The loss of each batch is `loss`. Images
// that fail to decode are left out and reported through loading.onSkipped.
// `progress` hears (images done, images) after each batch.
Predictions predictSamples(NetworkImpl &network,
                           const DatasetIndex &index,
                           const std::vector<std::size_t> &samples,
                           const std::vector<int> &labels,
                           const BatchLoader::Options &loading,
                           const LossConfig &loss,
                           c10::Device device,
                           const CancelToken *cancel = nullptr,
                           const ProgressFn &progress = {});

// What the out-of-distribution gate sees of `samples` (on the CPU), as
// predictSamples would see them, and the label of each row (undecodable
// images left out).
struct FeatureRows {
    GateInputs inputs;
    std::vector<int> labels;
};

FeatureRows collectFeatures(NetworkImpl &network,
                            const DatasetIndex &index,
                            const std::vector<std::size_t> &samples,
                            const std::vector<int> &labels,
                            const BatchLoader::Options &loading,
                            c10::Device device,
                            const CancelToken *cancel = nullptr);

} // namespace cxr
