// SPDX-License-Identifier: MIT
#include "train/epoch_loop.h"

#include <algorithm>
#include <cmath>

#include <torch/types.h>

#include "errors.h"
#include "models/losses.h"

namespace cxr {

EpochLoop::EpochLoop(StepStrategy &strategy,
                     torch::optim::Optimizer &optimiser,
                     const TrainConfig &config,
                     TrainObserver &observer,
                     const CancelToken *cancel,
                     Hooks hooks)
    : m_strategy(strategy), m_optimiser(optimiser), m_config(config), m_observer(observer),
      m_cancel(cancel), m_hooks(std::move(hooks)) {}

void EpochLoop::run(RunProgress &progress, const EpochPlan &plan, std::size_t batches, double lr) {
    // Strategies do not check for cancellation while training: only this
    // loop knows how to leave a resumable checkpoint first.
    m_strategy.forEachBatch(plan, [&](TrainingBatch &batch) {
        if (m_cancel && m_cancel->cancelled()) {
            if (m_hooks.saveResumable)
                m_hooks.saveResumable();
            throw Cancelled();
        }
        step(progress, batch, batches, lr);
    });
}

void EpochLoop::step(RunProgress &progress, TrainingBatch &batch, std::size_t batches, double lr) {
    const torch::Tensor logits = m_strategy.forward(batch.inputs);
    const torch::Tensor loss = classificationLoss(logits, batch.targets, m_config.loss);
    const double value = loss.item<double>();
    if (!std::isfinite(value))
        throw Error(
            "the training loss became " + std::string(std::isnan(value) ? "NaN" : "infinite") +
            " in epoch " + std::to_string(progress.epoch + 1) + ", batch " +
            std::to_string(batch.index + 1) + "; stopped. The last good checkpoint (" +
            m_hooks.lastCheckpoint + ") is intact; a lower learning rate (--lr) usually helps");
    m_optimiser.zero_grad();
    loss.backward();
    m_optimiser.step();
    progress.partial.add(logits, batch.targets, value);
    progress.nextBatch = batch.index + 1;
    m_imagesDone += static_cast<std::size_t>(batch.targets.numel());
    report(progress, batches, lr, value);
}

void EpochLoop::report(const RunProgress &progress,
                       std::size_t batches,
                       double lr,
                       double batchLoss) {
    BatchProgress event;
    event.epoch = progress.epoch + 1;
    event.epochs = m_config.epochs;
    event.batch = progress.nextBatch;
    event.batches = batches;
    event.loss = progress.partial.meanLoss();
    event.accuracy = progress.partial.accuracy();
    event.batchLoss = batchLoss;
    event.learningRate = lr;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    event.imagesPerSecond = static_cast<double>(m_imagesDone) / std::max(1e-6, seconds);
    const double remainingImages =
        static_cast<double>((batches - progress.nextBatch) +
                            static_cast<std::size_t>(m_config.epochs - progress.epoch - 1) *
                                batches) *
        m_config.batchSize;
    event.etaSeconds = remainingImages / std::max(1e-6, event.imagesPerSecond);
    m_observer.onBatch(event);
}

} // namespace cxr
