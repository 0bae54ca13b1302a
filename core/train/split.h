// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <vector>

#include "data/dataset_index.h"
#include "data/task.h"

namespace cxr {

// Sample indices (into DatasetIndex::samples) of each part of a run.
struct RunSplit {
    std::vector<std::size_t> train, val, test;
};

// Splits a dataset for training:
// - test: the dataset's test split (Split::Test), never touched by training;
// - val: the dataset's val split when `valFraction` is 0 and it has one;
//   otherwise about `valFraction` of the training samples of each class,
//   carved out at random (seeded) by *patient*: all images of one patient
//   go to the same side, so no patient is in both train and val;
// - train: the rest of Split::Train (and Split::Val when carved).
// Unsplit datasets (root/<CLASS>/) are first split 80/20 into train/test by
// patient, the same way. Samples the task leaves out (label -1) are
// dropped. Deterministic for a seed.
RunSplit splitForTraining(const DatasetIndex &index,
                          const TaskView &view,
                          double valFraction,
                          std::uint64_t seed);

} // namespace cxr
