// SPDX-License-Identifier: MIT
#include "eval/network_predictions.h"

#include <functional>

#include <torch/types.h>
#include <torch/utils.h>

#include "models/losses.h"

namespace cxr {
namespace {

// Every decoded batch of `samples` in eval mode, without gradients or
// augmentation, from the first batch: what both passes below share.
// `progress` hears (images done, images) after each batch.
void forEachEvalBatch(NetworkImpl &network,
                      const DatasetIndex &index,
                      const std::vector<std::size_t> &samples,
                      const std::vector<int> &labels,
                      const BatchLoader::Options &loading,
                      const CancelToken *cancel,
                      const ProgressFn &progress,
                      const std::function<void(const Batch &)> &use) {
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
        if (batch->labels.numel() > 0)
            use(*batch);
        if (progress)
            progress(done, samples.size());
    }
}

} // namespace

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
    forEachEvalBatch(
        network, index, samples, labels, loading, cancel, progress, [&](const Batch &batch) {
            const torch::Tensor targets = batch.labels.to(device);
            const torch::Tensor logits = network.forward(batch.images.to(device));
            out.add(logits, targets, classificationLoss(logits, targets, loss).item<double>());
        });
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
    std::vector<GateInputs> parts;
    forEachEvalBatch(network, index, samples, labels, loading, cancel, {}, [&](const Batch &batch) {
        const torch::Tensor images = batch.images.to(device);
        parts.push_back(gateInputs(network.features(images), images));
        const torch::Tensor rowLabels = batch.labels.to(torch::kLong).contiguous();
        for (int64_t i = 0; i < rowLabels.numel(); ++i)
            out.labels.push_back(static_cast<int>(rowLabels.data_ptr<int64_t>()[i]));
    });
    out.inputs = GateInputs::concat(parts);
    return out;
}

} // namespace cxr
