// SPDX-License-Identifier: MIT
#include "eval/gate_fit.h"

#include <algorithm>

#include "eval/network_predictions.h"

namespace cxr {
namespace {

std::vector<int> labelsOf(const std::vector<std::size_t> &samples,
                          const std::vector<int> &labelOf) {
    std::vector<int> out;
    for (std::size_t s : samples)
        out.push_back(labelOf[s]);
    return out;
}

} // namespace

GateFit fitGate(NetworkImpl &network,
                const DatasetIndex &index,
                const std::vector<std::size_t> &train,
                const std::vector<std::size_t> &heldOut,
                const std::vector<int> &labelOf,
                int classes,
                const BatchLoader::Options &loading,
                c10::Device device,
                const CancelToken *cancel) {
    std::vector<std::size_t> picked;
    const std::size_t step =
        std::max<std::size_t>(1, (train.size() + kGateImages - 1) / kGateImages);
    for (std::size_t i = 0; i < train.size(); i += step)
        picked.push_back(train[i]);
    const FeatureRows fitted =
        collectFeatures(network, index, picked, labelsOf(picked, labelOf), loading, device, cancel);
    GateFit fit{OodGate::fit(fitted.features, fitted.labels, classes), 0, 0, {}};
    fit.trainImages = fitted.labels.size();
    const FeatureRows held = collectFeatures(
        network, index, heldOut, labelsOf(heldOut, labelOf), loading, device, cancel);
    fit.heldOutImages = held.labels.size();
    const bool enough = held.labels.size() >= kGateHeldOutMinimum;
    fit.thresholdFrom = enough ? "held-out" : "train";
    fit.gate.setThreshold(fit.gate.score(enough ? held.features : fitted.features));
    return fit;
}

} // namespace cxr
