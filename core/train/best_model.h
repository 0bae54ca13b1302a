// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <c10/core/Device.h>

#include "eval/predictions.h"
#include "eval/validation_fit.h"
#include "loader/batch_loader.h"
#include "models/network.h"
#include "progress.h"
#include "train/run_directory.h"
#include "train/train_events.h"
#include "train/training_data.h"
#include "weights/checkpoint.h"

namespace cxr {

// What the end of a run measures of its best weights, after the trainer
// has them: plain functions of their inputs, kept out of the trainer.

// Fills `summary`'s test figures from the best weights' raw predictions on
// the test split and the validation fit (when there is one): the ECE
// without and with the temperature, then the metrics, intervals (seeded),
// curves, reliability diagrams and operating point results of the
// calibrated probabilities. `test` is left holding those probabilities.
void summariseTest(Predictions &test,
                   const std::optional<ValidationFit> &fit,
                   std::uint64_t seed,
                   RunSummary &summary);

// Writes test_predictions.csv: each test image's file, label and (calibrated)
// probabilities. Rows pair with split.test by position, which holds only
// when no test image was skipped as unreadable; otherwise the run's log says
// why there is no file.
void writeTestPredictions(const RunDirectory &run,
                          const DatasetIndex &index,
                          const TrainingData &data,
                          const Predictions &test);

// Fits the out-of-distribution gate to `network` on the run's training
// images (threshold from its validation images), counts the test images it
// flags, and puts it into `best` (the caller saves it). `logLine` says what
// it did.
RunSummary::Gate storeOodGate(NetworkImpl &network,
                              const DatasetIndex &index,
                              const TrainingData &data,
                              const BatchLoader::Options &loading,
                              c10::Device device,
                              const CancelToken *cancel,
                              Checkpoint &best,
                              std::string &logLine);

} // namespace cxr
