// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "eval/calibration.h"
#include "eval/curves.h"
#include "eval/metrics.h"
#include "eval/operating_point.h"

namespace cxr {

// Progress within an epoch, sent every few batches.
struct BatchProgress {
    int epoch = 0; // 1-based
    int epochs = 0;
    std::size_t batch = 0; // batches done in this epoch
    std::size_t batches = 0;
    double loss = 0;      // running mean over the epoch so far
    double accuracy = 0;  // running, on the training batches
    double batchLoss = 0; // this batch alone
    double learningRate = 0;
    double imagesPerSecond = 0;
    double etaSeconds = 0; // for the whole run
};

// The metrics of a finished epoch.
struct EpochReport {
    int epoch = 0; // 1-based
    int epochs = 0;
    std::vector<std::string> classes; // the run's classes, in label order
    Metrics train, val;
    double learningRate = 0;
    double seconds = 0;
    bool best = false; // best validation balanced accuracy so far
};

// What a finished run gives back (and writes to summary.json).
struct RunSummary {
    std::filesystem::path runDir;
    std::vector<std::string> classes;
    int epochsRun = 0;
    int bestEpoch = 0;
    bool earlyStopped = false;
    Metrics bestVal;
    Metrics test;
    MetricIntervals testIntervals;
    std::size_t trainImages = 0, valImages = 0, testImages = 0;
    // Temperature scaling fitted on the validation split and stored in
    // best.pt (absent without validation images), and the test split's
    // expected calibration error without and with it.
    std::optional<Calibration> calibration;
    double testEce = 0, testEceCalibrated = 0;
    // The test split's curves (of the calibrated probabilities), and the
    // operating points chosen on the validation split with their test result.
    std::vector<ClassCurves> testCurves;
    std::vector<OperatingPoint> operatingPoints;
    std::vector<BinaryResult> testAtOperatingPoints;
    // The test split's reliability diagram (15 bins) of the model's outputs
    // (calibrated when there is a temperature), and before calibration
    // (empty when the run has none).
    std::vector<ReliabilityBin> testReliability, testReliabilityUncalibrated;
    // The out-of-distribution gate stored in best.pt (infer/ood_gate.h).
    struct Gate {
        int trainImages = 0, components = 0;
        double threshold = 0;
        std::string thresholdFrom;   // "val" or "cross-fitted" (GateFit)
        std::size_t testFlagged = 0; // test images above the threshold
        // What it measures: "features", then "spread" and "appearance"
        // for gates that see layout (OodGate::seesLayout).
        std::vector<std::string> views;
    };
    std::optional<Gate> gate;
    // Where this process's wall time went, in seconds (a resumed run: since
    // it resumed). `loading` is the training loop's wait for images that
    // the loader threads had not finished; `finish` loads the best model,
    // calibrates, tests and fits the gate.
    struct Times {
        double setup = 0, steps = 0, loading = 0, validation = 0, checkpoints = 0, finish = 0;
        double total = 0;
    };
    Times seconds;
};

// Receives a run's events, from the thread that runs it. The CLI prints
// them; the UI's worker turns them into queued signals. The trainer knows
// neither.
class TrainObserver {
  public:
    virtual ~TrainObserver() = default;
    virtual void onLog(const std::string &) {}
    virtual void onBatch(const BatchProgress &) {}
    virtual void onEpoch(const EpochReport &) {}
    virtual void onFinished(const RunSummary &) {}
    virtual void onFailed(const std::string &) {}
    virtual void onCancelled() {}
};

} // namespace cxr
