// SPDX-License-Identifier: MIT
#include "train/run_state.h"

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "errors.h"

namespace cxr {

void RunProgress::finishEpoch() {
    ++epoch;
    nextBatch = 0;
    partial = Predictions(partial.classes);
}

nlohmann::json RunProgress::toJson() const {
    return {{"epoch", epoch},
            {"next_batch", nextBatch},
            {"best_epoch", bestEpoch},
            {"best_val_balanced_accuracy", bestScore},
            {"stale_epochs", staleEpochs},
            {"partial_loss_sum", partial.lossSum}};
}

void RunProgress::storeIn(Checkpoint &checkpoint) const {
    checkpoint.trainingState.emplace_back(
        "epoch_labels",
        torch::tensor(std::vector<int64_t>(partial.labels.begin(), partial.labels.end()),
                      torch::kLong));
    checkpoint.trainingState.emplace_back("epoch_probabilities",
                                          torch::tensor(partial.probabilities, torch::kFloat));
}

RunProgress
RunProgress::readFrom(const Checkpoint &checkpoint, int classes, const std::string &file) {
    const auto metadata = nlohmann::json::parse(checkpoint.metadataJson, nullptr, false);
    if (!metadata.is_object() || !metadata.contains("training") ||
        !metadata["training"].is_object())
        throw Error("\"" + file + "\" holds no training progress");
    const auto &t = metadata["training"];
    RunProgress progress;
    progress.partial = Predictions(classes);
    try {
        progress.epoch = t.value("epoch", 0);
        progress.nextBatch = t.value("next_batch", std::size_t{0});
        progress.bestEpoch = t.value("best_epoch", 0);
        progress.bestScore = t.value("best_val_balanced_accuracy", -1.0);
        progress.staleEpochs = t.value("stale_epochs", 0);
    } catch (const nlohmann::json::exception &) {
        throw Error("\"" + file + "\" holds unreadable training progress");
    }
    std::vector<int> labels;
    std::vector<float> probabilities;
    for (const auto &[name, tensor] : checkpoint.trainingState) {
        if (name == "epoch_labels") {
            const auto l = tensor.to(torch::kLong).contiguous();
            labels.assign(l.data_ptr<int64_t>(), l.data_ptr<int64_t>() + l.numel());
        } else if (name == "epoch_probabilities") {
            const auto p = tensor.to(torch::kFloat).contiguous();
            probabilities.assign(p.data_ptr<float>(), p.data_ptr<float>() + p.numel());
        }
    }
    if (probabilities.size() != labels.size() * static_cast<std::size_t>(classes) ||
        progress.epoch < 0)
        throw Error("\"" + file + "\" holds inconsistent training progress");
    if (!labels.empty())
        progress.partial.add(labels, probabilities, 0.0);
    progress.partial.lossSum = t.value("partial_loss_sum", 0.0);
    return progress;
}

} // namespace cxr
