// SPDX-License-Identifier: MIT
#include "eval/network_predictions.h"

#include <torch/types.h>
#include <torch/utils.h>

#include "models/losses.h"

namespace cxr {

Predictions predictSamples(NetworkImpl &network,
                           const DatasetIndex &index,
                           const std::vector<std::size_t> &samples,
                           const std::vector<int> &labels,
                           const BatchLoader::Options &loading,
                           const LossConfig &loss,
                           c10::Device device,
                           const CancelToken *cancel,
                           const ProgressFn &progress) {
    Predictions out(network.numClasses());
    if (samples.empty())
        return out;
    network.eval();
    torch::NoGradGuard noGrad;
    BatchLoader::Options options = loading;
    options.augmentation.reset();
    options.firstBatch = 0;
    BatchLoader loader(index, samples, labels, options);
    std::size_t done = 0;
    while (auto batch = loader.next()) {
        if (cancel)
            cancel->throwIfCancelled();
        done += batch->positions.size();
        if (batch->labels.numel() > 0) {
            const torch::Tensor targets = batch->labels.to(device);
            const torch::Tensor logits = network.forward(batch->images.to(device));
            out.add(logits, targets, classificationLoss(logits, targets, loss).item<double>());
        }
        if (progress)
            progress(done, samples.size());
    }
    return out;
}

FeatureRows collectFeatures(NetworkImpl &network,
                            const DatasetIndex &index,
                            const std::vector<std::size_t> &samples,
                            const std::vector<int> &labels,
                            const BatchLoader::Options &loading,
                            c10::Device device,
                            const CancelToken *cancel) {
    FeatureRows out;
    if (samples.empty())
        return out;
    network.eval();
    torch::NoGradGuard noGrad;
    BatchLoader::Options options = loading;
    options.augmentation.reset();
    options.firstBatch = 0;
    BatchLoader loader(index, samples, labels, options);
    std::vector<torch::Tensor> parts;
    while (auto batch = loader.next()) {
        if (cancel)
            cancel->throwIfCancelled();
        if (batch->labels.numel() == 0)
            continue;
        parts.push_back(pooledFeatures(network.features(batch->images.to(device))).to(torch::kCPU));
        const torch::Tensor rowLabels = batch->labels.to(torch::kLong).contiguous();
        for (int64_t i = 0; i < rowLabels.numel(); ++i)
            out.labels.push_back(static_cast<int>(rowLabels.data_ptr<int64_t>()[i]));
    }
    if (!parts.empty())
        out.features = torch::cat(parts);
    return out;
}

} // namespace cxr
