// SPDX-License-Identifier: MIT
#include "train/step_strategy.h"

#include "eval/network_predictions.h"

namespace cxr {

void forEachLoadedBatch(const StepContext &context,
                        const EpochPlan &plan,
                        const std::function<void(Batch &)> &body) {
    BatchLoader::Options options = context.loading;
    if (context.config.augmentation.enabled())
        options.augmentation = context.config.augmentation;
    else
        options.augmentation.reset();
    options.augmentSeed = plan.augmentSeed;
    options.firstBatch = plan.firstBatch;
    BatchLoader loader(*context.index, plan.samples, plan.labels, options);
    while (auto batch = loader.next())
        body(*batch);
}

void ImageStepStrategy::forEachBatch(const EpochPlan &plan,
                                     const std::function<void(TrainingBatch &)> &step) {
    if (trainsBatchNorm())
        m.network->train();
    else
        m.network->eval();
    forEachLoadedBatch(m, plan, [&](Batch &batch) {
        TrainingBatch out;
        out.index = batch.index;
        out.inputs = batch.images.to(m.device);
        out.targets = batch.labels.to(m.device);
        step(out);
    });
}

Predictions ImageStepStrategy::predict(const std::vector<std::size_t> &samples,
                                       const std::vector<int> &labels) {
    return predictSamples(
        *m.network, *m.index, samples, labels, m.loading, m.config.loss, m.device, m.cancel);
}

std::vector<at::Tensor> headParameters(NetworkImpl &network) {
    for (auto &p : network.parameters())
        p.set_requires_grad(false);
    std::vector<at::Tensor> head;
    for (auto &p : network.head()->parameters()) {
        p.set_requires_grad(true);
        head.push_back(p);
    }
    return head;
}

std::unique_ptr<StepStrategy> makeStepStrategy(const StepContext &context,
                                               const std::vector<std::size_t> &allSamples,
                                               const std::vector<int> &allLabels) {
    switch (context.config.freeze) {
    case Freeze::None:
        return makeFullNetworkStep(context);
    case Freeze::Backbone:
        // Without augmentation an image's features never change: compute
        // them once instead of every epoch.
        if (!context.config.augmentation.enabled())
            return makeCachedFeatureStep(context, allSamples, allLabels);
        return makeFrozenBackboneStep(context);
    }
    throw std::logic_error("unknown freeze setting");
}

} // namespace cxr
