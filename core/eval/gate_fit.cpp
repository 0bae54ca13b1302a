// SPDX-License-Identifier: MIT
#include "eval/gate_fit.h"

#include <algorithm>

#include "eval/metrics.h"
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

double median(std::vector<double> values) { return percentileOf(std::move(values), 50); }

// Each row's score under a gate fitted on the other folds (row i is in
// fold i % kGateFolds).
std::vector<double> crossFittedScores(const FeatureRows &rows, int classes) {
    const auto n = static_cast<std::int64_t>(rows.labels.size());
    std::vector<double> scores(static_cast<std::size_t>(n), 0.0);
    for (int fold = 0; fold < kGateFolds; ++fold) {
        std::vector<std::int64_t> fitted, held;
        std::vector<int> labels;
        for (std::int64_t i = 0; i < n; ++i)
            if (i % kGateFolds == fold) {
                held.push_back(i);
            } else {
                fitted.push_back(i);
                labels.push_back(rows.labels[static_cast<std::size_t>(i)]);
            }
        if (held.empty() || fitted.size() < 2)
            continue;
        const OodGate gate = OodGate::fit(rows.inputs.select(fitted), labels, classes);
        const std::vector<double> own = gate.score(rows.inputs.select(held));
        for (std::size_t k = 0; k < held.size(); ++k)
            scores[static_cast<std::size_t>(held[k])] = own[k];
    }
    return scores;
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
    GateFit fit{OodGate::fit(fitted.inputs, fitted.labels, classes), 0, 0, {}};
    fit.trainImages = fitted.labels.size();
    const FeatureRows held = collectFeatures(
        network, index, heldOut, labelsOf(heldOut, labelOf), loading, device, cancel);
    fit.heldOutImages = held.labels.size();
    const std::vector<double> heldScores =
        held.labels.empty() ? std::vector<double>{} : fit.gate.score(held.inputs);
    if (heldScores.size() >= kGateHeldOutForPercentile) {
        fit.thresholdFrom = "val";
        fit.gate.setThreshold(percentileOf(heldScores, 99));
        return fit;
    }
    const std::vector<double> crossFitted = crossFittedScores(fitted, classes);
    double scale = 1;
    if (heldScores.size() >= kGateHeldOutMinimum && median(crossFitted) > 0)
        scale = median(heldScores) / median(crossFitted);
    fit.thresholdFrom = "cross-fitted";
    fit.gate.setThreshold(percentileOf(crossFitted, 99) * scale);
    return fit;
}

} // namespace cxr
