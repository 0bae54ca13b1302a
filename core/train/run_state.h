// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "eval/predictions.h"
#include "weights/checkpoint.h"

namespace cxr {

// Where a run stands, saved in last.pt so that a resumed run continues
// exactly: the epoch and batch, the best epoch so far, and the predictions
// of the unfinished epoch (its training metrics cover all its batches).
struct RunProgress {
    int epoch = 0;             // 0-based epoch in progress (== epochs when done)
    std::size_t nextBatch = 0; // first batch of `epoch` not yet trained
    int bestEpoch = 0;         // 1-based; 0 = none yet
    double bestScore = -1;     // best validation balanced accuracy
    int staleEpochs = 0;       // epochs since the best
    Predictions partial;       // the unfinished epoch's training predictions

    // Starts the next epoch.
    void finishEpoch();

    nlohmann::json toJson() const;
    // Adds the partial predictions to a checkpoint's training state.
    void storeIn(Checkpoint &checkpoint) const;
    // The progress stored in a checkpoint of a run with `classes` classes.
    // Throws Error naming `file` when it holds no or inconsistent progress.
    static RunProgress readFrom(const Checkpoint &checkpoint, int classes, const std::string &file);
};

} // namespace cxr
