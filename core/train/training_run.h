// SPDX-License-Identifier: MIT
// The state of one training run, shared by the two files that carry it
// out: train/trainer.cpp (set-up and epochs) and train/training_run_end.cpp
// (the best model's validation fit, gate and test). Internal to them:
// everyone else starts and resumes runs through train/trainer.h.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "eval/validation_fit.h"
#include "models/device.h"
#include "train/epoch_loop.h"
#include "train/run_directory.h"
#include "train/run_state.h"
#include "train/run_sync.h"
#include "train/step_strategy.h"
#include "train/trainer.h"
#include "train/training_data.h"
#include "weights/checkpoint.h"

namespace cxr {

using TrainingClock = std::chrono::steady_clock;

inline double secondsSince(TrainingClock::time_point start) {
    return std::chrono::duration<double>(TrainingClock::now() - start).count();
}

// A run from start (or resumption) to summary. In a job of several
// processes every rank runs this in step; rank 0 alone touches the run
// folder and shares what it read or decided (RunSync).
class TrainingRun {
  public:
    TrainingRun(const DatasetIndex &index,
                std::optional<TrainConfig> config,
                std::filesystem::path dir,
                const ExecutionOptions &execution,
                TrainObserver &observer,
                const CancelToken *cancel)
        : m_index(index), m_requested(std::move(config)), m_dir(std::move(dir)),
          m_execution(execution), m_observer(observer), m_cancel(cancel),
          m_device(resolveDevice(execution.device)),
          m_sync(execution.sync ? execution.sync : std::shared_ptr<RunSync>(makeLocalSync())) {}

    RunSummary run();

  private:
    bool resuming() const { return !m_requested; }
    void agreeOnTheRun();
    void leaderOpensTheRun();
    void setUpTraining();
    void trainEpoch();
    Predictions predict(const std::vector<std::size_t> &samples);
    std::optional<ValidationFit> fitBestOnValidation(Checkpoint *best);
    RunSummary::Gate fitOodGate(Checkpoint &best);
    RunSummary testBest(bool earlyStopped);
    Checkpoint checkpoint(const RunProgress &progress) const;
    void saveLast();
    void log(const std::string &line) {
        if (!m_sync->leads())
            return;
        if (m_run)
            m_run->log(line);
        m_observer.onLog(line);
    }

    const DatasetIndex &m_index;
    std::optional<TrainConfig> m_requested; // nullopt: resume with the stored one
    std::filesystem::path m_dir;
    ExecutionOptions m_execution;
    TrainObserver &m_observer;
    const CancelToken *m_cancel;
    c10::Device m_device;
    std::shared_ptr<RunSync> m_sync;

    TrainConfig m_config;
    std::optional<RunDirectory> m_run; // rank 0 only
    std::optional<Checkpoint> m_last;  // rank 0, resuming: last.pt, until set up
    TrainingData m_data;
    Network m_network;
    std::unique_ptr<StepStrategy> m_strategy;
    std::unique_ptr<torch::optim::Optimizer> m_optimiser;
    std::unique_ptr<GradientSync> m_gradients;
    std::unique_ptr<EpochLoop> m_loop;
    BatchLoader::Options m_loading; // the strategies' loading, for the gate's passes
    RunProgress m_progress;
    TrainingClock::time_point m_started = TrainingClock::now();
    RunSummary::Times m_times; // where the time went, for summary.json and the log
};

} // namespace cxr
