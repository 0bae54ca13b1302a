// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "data/dataset_index.h"
#include "progress.h"
#include "train/train_config.h"
#include "train/train_events.h"

namespace cxr {

class RunSync;

// How a run computes, as opposed to what it computes (TrainConfig): these
// may change between a run and its resumption without changing the result
// beyond floating-point summation order.
struct ExecutionOptions {
    std::string device = "cpu";       // "cpu", "cuda" or "cuda:N" (LibTorch built with CUDA)
    std::optional<int> threads;       // compute threads of the training thread; default: config
    std::optional<int> loaderThreads; // image decoding threads; default: config
    // The job this process is a rank of (joinJob, train/run_sync.h); empty:
    // a run on its own. Rank 0 alone reads and writes the run folder.
    std::shared_ptr<RunSync> sync;
};

// Trains a new model as `config` says on `index`, writing the run folder
// `runDir` (see RunDirectory; it must not exist or be empty). Blocks: call it
// from a worker thread; the compute thread count applies to that thread only.
//
// Cancellation stops at a batch boundary after saving a resumable last.pt,
// then throws Cancelled. A NaN or infinite loss stops the run (Error) with
// the last good checkpoint intact. Other failures throw Error with a clear
// message. The observer hears about each outcome before the call returns or
// throws.
RunSummary startRun(const DatasetIndex &index,
                    const TrainConfig &config,
                    const std::filesystem::path &runDir,
                    TrainObserver &observer,
                    const CancelToken *cancel = nullptr,
                    const ExecutionOptions &execution = {});

// Continues the run in `runDir` from its last.pt with the configuration
// stored in the run folder (never another one): model, optimiser, epoch and
// the position inside an unfinished epoch are restored; data order and
// augmentation are functions of (seed, epoch, position), so the result
// equals an uninterrupted run. Throws Error when `runDir` holds no run.
RunSummary resumeRun(const DatasetIndex &index,
                     const std::filesystem::path &runDir,
                     TrainObserver &observer,
                     const CancelToken *cancel = nullptr,
                     const ExecutionOptions &execution = {});

} // namespace cxr
