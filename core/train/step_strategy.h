// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "data/dataset_index.h"
#include "eval/predictions.h"
#include "loader/batch_loader.h"
#include "models/network.h"
#include "progress.h"
#include "train/train_config.h"

namespace cxr {

// One training batch: the strategy's inputs (images, or cached features)
// and the labels, both on the run's device.
struct TrainingBatch {
    std::size_t index = 0; // batch number within the epoch
    at::Tensor inputs;
    at::Tensor targets;
};

// The batches of one epoch: its samples in training order (indices into
// DatasetIndex::samples) with their labels, from batch `firstBatch` on
// (a resumed epoch), augmented with `augmentSeed`.
struct EpochPlan {
    std::vector<std::size_t> samples;
    std::vector<int> labels;
    std::size_t firstBatch = 0;
    std::uint64_t augmentSeed = 0;
};

// What every step strategy works with. The network is shared with the
// trainer; the loader options carry preprocessing, batch size, threads and
// the report of undecodable images (augmentation is the strategy's call).
struct StepContext {
    const DatasetIndex *index = nullptr;
    TrainConfig config;
    Network network;
    c10::Device device = c10::Device(c10::kCPU);
    BatchLoader::Options loading;
    const CancelToken *cancel = nullptr;
    std::function<void(const std::string &)> log;
};

// How a run computes the logits of its training batches and its
// predictions. Three strategies exist, chosen by makeStepStrategy:
//   full network      every parameter trains; BatchNorm in training mode
//   frozen backbone   only the head trains, on pooled features computed
//                     without gradients each batch (the images are augmented)
//   cached features   only the head trains, on pooled features computed once
//                     for every image (frozen backbone, no augmentation)
// The epoch loop owns the order of things: it checks for cancellation
// before a batch's forward pass (a forward pass in training mode updates
// BatchNorm statistics, so it must not run for a batch that is not
// trained), then asks for the logits, then steps the optimiser.
// Not thread-safe: one run, one thread.
class StepStrategy {
  public:
    virtual ~StepStrategy() = default;
    virtual std::string description() const = 0; // for the run's log
    // The parameters the optimiser updates (requires_grad set accordingly).
    virtual std::vector<at::Tensor> trainableParameters() = 0;
    // Called once before training starts or resumes.
    virtual void prepare() {}
    // An epoch's batches, in order, each handed to `step` (which computes
    // the logits with forward(), runs backward and the optimiser, and stops
    // the epoch on cancellation). Sets the network's training or eval mode
    // first. A batch whose every image failed to decode comes with no rows
    // (the epoch loop skips it on every rank of a job).
    virtual void forEachBatch(const EpochPlan &plan,
                              const std::function<void(TrainingBatch &)> &step) = 0;
    // The logits of a batch's inputs, with gradients to the trainable
    // parameters.
    virtual at::Tensor forward(const at::Tensor &inputs) = 0;
    // Whether training forward passes update BatchNorm statistics (which a
    // job then shares from rank 0 before each batch).
    virtual bool updatesBuffers() const { return false; }
    // Predictions without gradients (validation, test).
    virtual Predictions predict(const std::vector<std::size_t> &samples,
                                const std::vector<int> &labels) = 0;
};

// The strategy for `context.config`: cached features when the backbone is
// frozen and nothing is augmented, frozen backbone when it is frozen, else
// the full network. `allSamples` (and their labels) are every image the run
// reads, for the cached-feature strategy.
std::unique_ptr<StepStrategy> makeStepStrategy(const StepContext &context,
                                               const std::vector<std::size_t> &allSamples,
                                               const std::vector<int> &allLabels);

// The base of the strategies that read the images every epoch (full network,
// frozen backbone): batches from a BatchLoader, predictions from the whole
// network. A subclass says which parameters train, how a batch becomes
// logits, and whether BatchNorm trains.
class ImageStepStrategy : public StepStrategy {
  public:
    explicit ImageStepStrategy(StepContext context) : m(std::move(context)) {}
    void forEachBatch(const EpochPlan &plan,
                      const std::function<void(TrainingBatch &)> &step) override;
    Predictions predict(const std::vector<std::size_t> &samples,
                        const std::vector<int> &labels) override;

    bool updatesBuffers() const override { return trainsBatchNorm(); }

  protected:
    // True: the network is in training mode (BatchNorm uses and updates
    // batch statistics); false: eval mode, as for a frozen feature extractor.
    virtual bool trainsBatchNorm() const = 0;
    StepContext m;
};

// Freezes every parameter but the head's and returns the head's.
std::vector<at::Tensor> headParameters(NetworkImpl &network);

// For strategies that read images: runs an epoch plan's batches through a
// BatchLoader (augmented as the config says), batches whose every image
// failed included (with no rows). It does not check for cancellation: the
// caller's body does.
void forEachLoadedBatch(const StepContext &context,
                        const EpochPlan &plan,
                        const std::function<void(Batch &)> &body);

// The three, for tests and for the factory.
std::unique_ptr<StepStrategy> makeFullNetworkStep(const StepContext &context);
std::unique_ptr<StepStrategy> makeFrozenBackboneStep(const StepContext &context);
std::unique_ptr<StepStrategy> makeCachedFeatureStep(const StepContext &context,
                                                    const std::vector<std::size_t> &samples,
                                                    const std::vector<int> &labels);

} // namespace cxr
