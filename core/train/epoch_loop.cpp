// SPDX-License-Identifier: MIT
#include "train/epoch_loop.h"

#include <algorithm>
#include <cmath>

#include <torch/types.h>

#include "errors.h"
#include "models/losses.h"
#include "models/precision.h"

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
    // loop knows how to leave a resumable checkpoint first. The check comes
    // before the forward pass, which in training mode updates BatchNorm.
    m_strategy.forEachBatch(plan, [&](TrainingBatch &batch) {
        const bool empty = batch.targets.numel() == 0;
        std::vector<bool> agreed = {m_cancel && m_cancel->cancelled(), empty};
        if (m_hooks.sync)
            agreed = m_hooks.sync->anyOf(agreed);
        if (agreed[0]) {
            if (m_hooks.saveResumable)
                m_hooks.saveResumable();
            throw Cancelled();
        }
        if (agreed[1]) // images that failed to decode, here or on another rank
            return;
        const auto start = std::chrono::steady_clock::now();
        step(progress, batch, batches, lr);
        m_stepSeconds +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    });
}

void EpochLoop::step(RunProgress &progress, TrainingBatch &batch, std::size_t batches, double lr) {
    if (m_hooks.sync && !m_hooks.sharedBuffers.empty())
        m_hooks.sync->shareTensors(m_hooks.sharedBuffers);
    torch::Tensor logits;
    {
        const PrecisionScope arithmetic(m_config.precision);
        logits = m_strategy.forward(batch.inputs);
    }
    // The loss, its gradient and the metrics in float32 whatever the
    // forward pass used (a no-op in fp32).
    logits = logits.to(torch::kFloat);
    const torch::Tensor loss = classificationLoss(logits, batch.targets, m_config.loss);
    const double value = loss.item<double>();
    bool finite = std::isfinite(value);
    if (m_hooks.sync) // every rank stops, not only the one that saw it
        finite = !m_hooks.sync->anyOf({!finite})[0];
    if (!finite)
        throw Error("the training loss became " +
                    std::string(std::isfinite(value) ? "NaN or infinite on another process"
                                : std::isnan(value)  ? "NaN"
                                                     : "infinite") +
                    " in epoch " + std::to_string(progress.epoch + 1) + ", batch " +
                    std::to_string(batch.index + 1) + "; stopped. The last good checkpoint (" +
                    m_hooks.lastCheckpoint +
                    ") is intact; a lower learning rate (--lr) usually helps");
    m_optimiser.zero_grad();
    if (m_hooks.gradients)
        m_hooks.gradients->beginBackward();
    loss.backward();
    if (m_hooks.gradients)
        m_hooks.gradients->finishBackward();
    m_optimiser.step();
    progress.partial.add(logits, batch.targets, value);
    progress.nextBatch = batch.index + 1;
    m_imagesDone += static_cast<std::size_t>(batch.targets.numel()) *
                    static_cast<std::size_t>(m_hooks.sync ? m_hooks.sync->worldSize() : 1);
    if (m_hooks.reportProgress)
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
