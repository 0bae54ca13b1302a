// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "data/dataset_index.h"
#include "eval/calibration.h"
#include "eval/curves.h"
#include "eval/metrics.h"
#include "eval/operating_point.h"
#include "eval/predictions.h"
#include "progress.h"

namespace cxr {

struct Checkpoint; // weights/checkpoint.h

// How an evaluation computes (not what): batch size, threads and device.
struct EvaluationOptions {
    int batchSize = 16;
    int loaderThreads = 2;
    int threads = 0;            // compute threads of the calling thread; 0 = every core
    std::string device = "cpu"; // see resolveDevice
};

// A model's predictions on a dataset split and what they measure.
struct Evaluation {
    std::vector<std::string> classes;
    // The model's outputs per image evaluated, in dataset order: softmax
    // scaled by the model's temperature when it has one (what predict and
    // the Classify page show), so the metrics, curves and operating points
    // are those of the probabilities users read.
    Predictions predictions;
    std::vector<float> uncalibratedProbabilities; // the network's own softmax (T = 1)
    std::vector<std::filesystem::path> images;    // the image of each prediction row
    std::string evaluatedOn;                      // which images, in words ("the test split")
    Metrics metrics;
    MetricIntervals intervals; // 95% bootstrap
    std::vector<ClassCurves> curves;
    std::size_t skipped = 0; // images that failed to decode
    // The model's stored calibration, if it has one; the expected
    // calibration error (15 bins) of the outputs and, for a calibrated
    // model, of the network's own softmax (temperature 1).
    std::optional<Calibration> calibration;
    double ece = 0, eceUncalibrated = 0;
    // The model's operating points and what each gives on this split.
    std::vector<OperatingPoint> operatingPoints;
    std::vector<BinaryResult> atOperatingPoints;
};

// Evaluates the model file `model` on the `split` images of `index`
// (test by default in `cxr eval`). The dataset's classes are mapped onto
// the model's by the task whose classes the model has (NORMAL/PNEUMONIA
// merges bacteria, virus and COVID-19, ...). Throws Error (ModelError for a
// bad model file) when the model cannot be read, its classes fit no task,
// or the split has no image of the model's classes.
Evaluation evaluateModel(const std::filesystem::path &model,
                         const DatasetIndex &index,
                         Split split,
                         const EvaluationOptions &options = {},
                         const ProgressFn &progress = {},
                         const CancelToken *cancel = nullptr);

// The same for a model already read (`source` names it in errors) on
// chosen images (indices into index.samples; those not of the model's
// classes are left out), described in words by `what` ("the val split").
// train/model_calibration.h's imagesForModel chooses the validation images
// of a run from the same Checkpoint, so the file is read once.
Evaluation evaluateModel(const Checkpoint &checkpoint,
                         const std::string &source,
                         const DatasetIndex &index,
                         const std::vector<std::size_t> &samples,
                         const std::string &what,
                         const EvaluationOptions &options = {},
                         const ProgressFn &progress = {},
                         const CancelToken *cancel = nullptr);

} // namespace cxr
