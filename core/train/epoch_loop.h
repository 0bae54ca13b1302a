// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include <torch/optim/optimizer.h>

#include "progress.h"
#include "train/run_state.h"
#include "train/run_sync.h"
#include "train/step_strategy.h"
#include "train/train_config.h"
#include "train/train_events.h"

namespace cxr {

// The training batches of one epoch: for each batch the strategy's forward
// pass, the loss, backward, the optimiser step, and a progress event. The
// optimiser is passed in, set to the epoch's learning rate by the caller.
// Cancellation is checked before every batch: `saveResumable` runs (the
// progress then points at the next batch) and Cancelled is thrown. A loss
// that is not finite throws Error before the step, so the weights and the
// last checkpoint stay good.
//
// In a job of several processes every rank runs this loop in step: before
// each batch the ranks agree whether any of them was asked to stop or has
// nothing to train on (then all stop, or all skip the batch), rank 0's
// BatchNorm statistics are shared (as DistributedDataParallel's
// broadcast_buffers), and backward averages the gradients across the job.
class EpochLoop {
  public:
    struct Hooks {
        std::function<void()> saveResumable;   // on cancel, before Cancelled (every rank)
        std::string lastCheckpoint;            // named in the non-finite-loss error
        RunSync *sync = nullptr;               // the job; nullptr or local: on its own
        GradientSync *gradients = nullptr;     // averages gradients; nullptr on its own
        std::vector<at::Tensor> sharedBuffers; // rank 0's, before each forward pass
        bool reportProgress = true;            // batch events (rank 0 of a job)
    };

    EpochLoop(StepStrategy &strategy,
              torch::optim::Optimizer &optimiser,
              const TrainConfig &config,
              TrainObserver &observer,
              const CancelToken *cancel,
              Hooks hooks);

    // Trains `progress.epoch` from `progress.nextBatch` on; fills
    // progress.partial and advances progress.nextBatch batch by batch.
    void run(RunProgress &progress, const EpochPlan &plan, std::size_t batches, double lr);

    // Seconds spent in training steps (forward, loss, backward, optimiser),
    // over every run() of this loop: the rest of run() waited for images.
    double stepSeconds() const { return m_stepSeconds; }

  private:
    void step(RunProgress &progress, TrainingBatch &batch, std::size_t batches, double lr);
    void report(const RunProgress &progress, std::size_t batches, double lr, double batchLoss);

    StepStrategy &m_strategy;
    torch::optim::Optimizer &m_optimiser;
    const TrainConfig &m_config;
    TrainObserver &m_observer;
    const CancelToken *m_cancel;
    Hooks m_hooks;
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
    std::size_t m_imagesDone = 0; // since this loop was made, job-wide (for the rate)
    double m_stepSeconds = 0;
};

} // namespace cxr
