// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "data/dataset_index.h"
#include "eval/gate_fit.h"
#include "eval/validation_fit.h"
#include "progress.h"
#include "weights/checkpoint.h"

namespace cxr {

// The images of a dataset to measure or calibrate a model on, as indices
// into DatasetIndex::samples (images of the model's classes only), with the
// training images beside them and what they are in words. For Split::Val on
// a dataset without a val split: the validation images the model's own run
// carved out of the train split (its config's val_fraction and seed, by
// patient), which it never trained on.
struct ModelImages {
    std::vector<std::size_t> samples, train;
    std::string description;
};
ModelImages imagesForModel(const std::string &metadataJson,
                           const std::vector<std::string> &modelClasses,
                           const DatasetIndex &index,
                           Split split);

// What `cxr calibrate` fits on an existing model, held-out images first.
struct CalibrationRequest {
    Split split = Split::Val;
    ClassGoals goals; // empty: the model's own goals, else Youden's for every class
    bool gate = true; // also fit the out-of-distribution gate
    int batchSize = 16;
    int loaderThreads = 2;
};

struct ModelCalibration {
    Checkpoint checkpoint; // the model with the fit (and gate) stored, to be saved
    ValidationFit fit;
    std::optional<GateFit> gate;
    std::string heldOut; // which images, in words
    std::size_t heldOutImages = 0;
};

// Fits temperature and operating points (and the gate) of `model` on held-out
// images of `index`, imagesForModel(split). The gate fits on the training
// images beside them. Throws Error (or
// ModelError) when the model cannot be read or there are no such images.
ModelCalibration calibrateModel(const std::filesystem::path &model,
                                const DatasetIndex &index,
                                const CalibrationRequest &request,
                                const ProgressFn &progress = {},
                                const CancelToken *cancel = nullptr);

} // namespace cxr
