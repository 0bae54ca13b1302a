// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <string>

#include "models/network.h"
#include "train/train_config.h"

namespace cxr {

// The network a new run starts from, as config.init says: random
// ("scratch"), CheXNet (config.chexnetWeights, a file: CheXNet's weights
// cannot be downloaded), or ImageNet weights / a weights or model file
// (resolved and downloaded into the weights cache). The head gets `classes`
// outputs. `log` hears where the weights came from and what was loaded.
// Throws Error naming the file or download on failure.
Network initialNetwork(const TrainConfig &config,
                       int classes,
                       const std::function<void(const std::string &)> &log);

} // namespace cxr
