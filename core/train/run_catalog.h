// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "train/train_config.h"

namespace cxr {

// The test accuracy and balanced accuracy in a run's summary.json, once the
// run has finished (nullopt before, or while the file is being written).
struct TestScores {
    double accuracy = -1, balancedAccuracy = -1; // -1 when the summary lacks one
};
std::optional<TestScores> readTestScores(const std::filesystem::path &dir);

// What a list of past runs shows of one run folder, read through
// RunDirectory (the owner of the format).
struct RunOverview {
    std::filesystem::path dir;
    TrainConfig config;
    std::string started;         // config.json's modification time, "YYYY-MM-DD HH:MM"
    int epochs = 0;              // epochs in metrics.csv
    double bestValBalanced = -1; // best validation balanced accuracy; -1 without one
    int bestEpoch = 0;
    bool finished = false;    // summary.json exists
    double testAccuracy = -1; // from summary.json; -1 before the run finished
    double testBalanced = -1;
};

// The runs directly inside `folder` (sub-folders holding a config.json),
// newest first. A folder that cannot be read is skipped; a run whose files
// are torn or partly written shows what can be read.
std::vector<RunOverview> listRuns(const std::filesystem::path &folder);

} // namespace cxr
