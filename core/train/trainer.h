// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "data/dataset_index.h"
#include "progress.h"
#include "train/metrics.h"
#include "train/train_config.h"

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

struct EpochReport {
    int epoch = 0; // 1-based
    int epochs = 0;
    Metrics train, val;
    double learningRate = 0;
    double seconds = 0;
    bool best = false; // best validation balanced accuracy so far
};

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

// Trains a model as `config` says on `index`, writing the run folder
// (see RunDirectory). Blocks: call it from a worker thread.
//
// With `resume`, continues the run in `runDir` from last.pt: model,
// optimiser, epoch and the position inside an unfinished epoch are
// restored; data order and augmentation are functions of (seed, epoch,
// position), so the result equals an uninterrupted run. Cancellation
// stops at a batch boundary after saving a resumable last.pt, then throws
// Cancelled. A NaN or infinite loss stops the run (Error) with the last
// good checkpoint intact. Other failures throw Error with a clear message.
// The observer hears about each outcome before the call returns or throws.
RunSummary train(const DatasetIndex &index,
                 const TrainConfig &config,
                 const std::filesystem::path &runDir,
                 bool resume,
                 TrainObserver &observer,
                 const CancelToken *cancel = nullptr);

// Evaluates a model file on a dataset split (test by default) for `eval`.
struct Evaluation {
    std::vector<std::string> classes;
    Metrics metrics;
    MetricIntervals intervals;
    std::size_t skipped = 0; // images that failed to decode
};

Evaluation evaluateModel(const std::filesystem::path &model,
                         const DatasetIndex &index,
                         Split split,
                         int batchSize = 16,
                         int threads = 2,
                         const ProgressFn &progress = {},
                         const CancelToken *cancel = nullptr);

} // namespace cxr
