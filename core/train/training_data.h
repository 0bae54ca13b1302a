// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "data/dataset_index.h"
#include "data/task.h"
#include "train/run_directory.h"
#include "train/split.h"
#include "train/train_config.h"

namespace cxr {

// The parts of a dataset one run uses: the task's view of the labels and the
// train / val / test split. A plain value.
struct TrainingData {
    TaskView view;
    RunSplit split;
    std::size_t excluded = 0; // images of the config's exclusion list found and left out

    int classes() const { return static_cast<int>(view.classes.size()); }
    // The task labels of `samples` (indices into DatasetIndex::samples).
    std::vector<int> labelsOf(const std::vector<std::size_t> &samples) const;
    // train, then val, then test: every sample the run ever reads.
    std::vector<std::size_t> allSamples() const;
};

// Maps the dataset onto the config's task and splits it (seeded, by
// patient). Throws Error when the training split is empty or lacks a class,
// since a class never seen in training cannot be learnt.
TrainingData prepareTrainingData(const DatasetIndex &index, const TrainConfig &config);

// Takes the samples whose path relative to the dataset folder is in
// `excluded` out of `view` (label -1: in no split). Returns how many of the
// listed paths were found.
std::size_t
excludeSamples(const DatasetIndex &index, const std::vector<std::string> &excluded, TaskView &view);

// What dataset.json records of the dataset a run starts on.
RunDataset describeRunDataset(const DatasetIndex &index, const TrainingData &data);

// A line for the log when the dataset a resumed run is given is not the one
// its dataset.json records (a run still resumes: the user may have fixed a
// bad file), or nullopt.
std::optional<std::string> datasetChangeNote(const std::filesystem::path &runDir,
                                             const DatasetIndex &index);

// SHA-256 (hex) of the sorted (path relative to the root, class, split,
// width x height) lines of every sample: see RunDataset::fingerprint.
std::string datasetFingerprint(const DatasetIndex &index);

// from[order[0]], from[order[1]], ...
std::vector<std::size_t> pick(const std::vector<std::size_t> &from,
                              const std::vector<std::size_t> &order);

} // namespace cxr
