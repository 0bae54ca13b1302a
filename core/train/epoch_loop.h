// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include <torch/optim/optimizer.h>

#include "progress.h"
#include "train/run_state.h"
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
class EpochLoop {
  public:
    struct Hooks {
        std::function<void()> saveResumable; // on cancel, before Cancelled
        std::string lastCheckpoint;          // named in the non-finite-loss error
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
    std::size_t m_imagesDone = 0; // since this loop was made (for the rate)
};

} // namespace cxr
