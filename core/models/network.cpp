// SPDX-License-Identifier: MIT
#include "models/network.h"

#include <stdexcept>

#include <torch/nn/functional/pooling.h>
#include <torch/utils.h>

namespace cxr {

std::string NetworkImpl::headPrefix() const { return architectureInfo(architecture()).headPrefix; }

int NetworkImpl::numClasses() const { return static_cast<int>(head()->options.out_features()); }

Network makeNetwork(Architecture arch, int numClasses) {
    if (numClasses < 1)
        throw std::invalid_argument("a network needs at least one output class");
    return architectureInfo(arch).make(numClasses);
}

torch::Tensor pooledFeatures(const torch::Tensor &featureMap) {
    return torch::nn::functional::adaptive_avg_pool2d(
               featureMap, torch::nn::functional::AdaptiveAvgPool2dFuncOptions(1))
        .flatten(1);
}

void useChannelsLast(NetworkImpl &network) {
    torch::NoGradGuard noGrad;
    for (auto &p : network.parameters())
        if (p.dim() == 4)
            p.set_data(p.contiguous(at::MemoryFormat::ChannelsLast));
}

} // namespace cxr
