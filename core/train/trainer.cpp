// SPDX-License-Identifier: MIT
// A run from start (or resumption) to summary: set up the data, network,
// step strategy and optimiser; then per epoch the epoch loop, validation,
// the run folder's rows and checkpoints; then the test of the best model.
#include "train/trainer.h"

#include <chrono>
#include <sstream>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "compute_threads.h"
#include "errors.h"
#include "models/device.h"
#include "train/epoch_loop.h"
#include "train/initial_weights.h"
#include "train/optimiser.h"
#include "train/run_directory.h"
#include "train/run_state.h"
#include "train/sampler.h"
#include "train/step_strategy.h"
#include "train/training_data.h"
#include "weights/checkpoint.h"

namespace cxr {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

class Trainer {
  public:
    Trainer(const DatasetIndex &index,
            TrainConfig config,
            fs::path dir,
            bool resuming,
            const ExecutionOptions &execution,
            TrainObserver &observer,
            const CancelToken *cancel)
        : m_index(index), m_config(std::move(config)), m_dir(std::move(dir)), m_resuming(resuming),
          m_execution(execution), m_observer(observer), m_cancel(cancel),
          m_device(resolveDevice(execution.device)) {}

    RunSummary run();

  private:
    void setUp();
    void trainEpoch();
    RunSummary testBest(bool earlyStopped);
    Checkpoint checkpoint() const;
    void saveLast();
    void log(const std::string &line) {
        if (m_run)
            m_run->log(line);
        m_observer.onLog(line);
    }

    const DatasetIndex &m_index;
    TrainConfig m_config;
    fs::path m_dir;
    bool m_resuming;
    ExecutionOptions m_execution;
    TrainObserver &m_observer;
    const CancelToken *m_cancel;
    c10::Device m_device;

    std::optional<RunDirectory> m_run;
    TrainingData m_data;
    Network m_network;
    std::unique_ptr<StepStrategy> m_strategy;
    std::unique_ptr<torch::optim::Optimizer> m_optimiser;
    std::unique_ptr<EpochLoop> m_loop;
    RunProgress m_progress;
};

void Trainer::setUp() {
    m_data = prepareTrainingData(m_index, m_config);
    const int classes = m_data.classes();
    m_progress.partial = Predictions(classes);
    torch::manual_seed(m_config.seed); // head initialisation
    std::optional<Checkpoint> last;
    if (m_resuming) {
        m_run = RunDirectory::open(m_dir);
        last = loadCheckpoint(m_run->lastCheckpoint());
        m_network = networkFromCheckpoint(*last, m_run->lastCheckpoint().string());
        m_progress = RunProgress::readFrom(*last, classes, m_run->lastCheckpoint().string());
        m_run->dropMetricsFrom(m_progress.epoch + 1);
    } else {
        m_network =
            initialNetwork(m_config, classes, [this](const std::string &line) { log(line); });
        m_run = RunDirectory::create(m_dir, m_config);
    }
    m_network->to(m_device);
    useChannelsLast(*m_network);

    StepContext context;
    context.index = &m_index;
    context.config = m_config;
    context.network = m_network;
    context.device = m_device;
    context.loading.preprocessing = m_config.preprocessing();
    context.loading.batchSize = m_config.batchSize;
    context.loading.threads = m_execution.loaderThreads.value_or(m_config.loaderThreads);
    context.loading.onSkipped = [run = *m_run, &observer = m_observer](const fs::path &file,
                                                                       const std::string &reason) {
        const std::string line = "skipped " + file.string() + ": " + reason;
        run.log(line);
        observer.onLog(line);
    };
    context.cancel = m_cancel;
    context.log = [this](const std::string &line) { log(line); };
    const std::vector<std::size_t> all = m_data.allSamples();
    m_strategy = makeStepStrategy(context, all, m_data.labelsOf(all));
    m_optimiser = makeOptimiser(m_config, m_strategy->trainableParameters());
    if (last)
        for (const auto &[name, tensor] : last->trainingState)
            if (name == "optimizer")
                restoreOptimiserState(*m_optimiser, tensor);
    EpochLoop::Hooks hooks{[this] { saveLast(); }, m_run->lastCheckpoint().string()};
    m_loop = std::make_unique<EpochLoop>(
        *m_strategy, *m_optimiser, m_config, m_observer, m_cancel, std::move(hooks));

    log(std::string(m_resuming ? "resuming" : "starting") + " " + architectureName(m_config.arch) +
        " on " + taskName(m_config.task) + " (" + m_strategy->description() +
        "): " + std::to_string(m_data.split.train.size()) + " train, " +
        std::to_string(m_data.split.val.size()) + " val, " +
        std::to_string(m_data.split.test.size()) + " test images");
    m_strategy->prepare();
}

Checkpoint Trainer::checkpoint() const {
    const nlohmann::json metadata = {{"config", toJson(m_config)},
                                     {"task", taskName(m_config.task)},
                                     {"training", m_progress.toJson()}};
    return makeCheckpoint(
        *m_network, m_data.view.classes, m_config.preprocessing(), metadata.dump());
}

void Trainer::saveLast() {
    Checkpoint last = checkpoint();
    last.trainingState.emplace_back("optimizer", optimiserState(*m_optimiser));
    m_progress.storeIn(last);
    saveCheckpoint(m_run->lastCheckpoint(), last);
}

void Trainer::trainEpoch() {
    const int epoch = m_progress.epoch;
    const double lr = m_config.learningRateAt(epoch);
    setLearningRate(*m_optimiser, lr);
    EpochPlan plan;
    plan.samples = pick(
        m_data.split.train,
        epochOrder(m_data.labelsOf(m_data.split.train), m_config.sampler, m_config.seed, epoch));
    plan.labels = m_data.labelsOf(plan.samples);
    plan.firstBatch = m_progress.nextBatch;
    plan.augmentSeed = mixSeed(m_config.seed, 0xA06 + static_cast<std::uint64_t>(epoch));
    const std::size_t batchSize = static_cast<std::size_t>(m_config.batchSize);
    const std::size_t batches = (plan.samples.size() + batchSize - 1) / batchSize;
    const auto start = Clock::now();
    m_loop->run(m_progress, plan, batches, lr);
    m_progress.nextBatch = batches;

    EpochReport report;
    report.epoch = epoch + 1;
    report.epochs = m_config.epochs;
    report.classes = m_data.view.classes;
    report.learningRate = lr;
    report.train = m_progress.partial.metrics();
    try {
        report.val =
            m_strategy->predict(m_data.split.val, m_data.labelsOf(m_data.split.val)).metrics();
    } catch (const Cancelled &) {
        saveLast(); // resumes straight into this epoch's validation
        log("cancelled during the validation of epoch " + std::to_string(epoch + 1) +
            "; resumable from " + m_run->lastCheckpoint().string());
        throw;
    }
    report.seconds = secondsSince(start);
    // Without a validation set the latest epoch counts as the best.
    const double score = m_data.split.val.empty() ? epoch : report.val.balancedAccuracy;
    report.best = score > m_progress.bestScore;

    m_run->appendMetrics(report.epoch, "train", report.train, lr, report.seconds);
    if (!m_data.split.val.empty())
        m_run->appendMetrics(report.epoch, "val", report.val, lr, report.seconds);
    if (report.best) {
        m_progress.bestScore = score;
        m_progress.bestEpoch = report.epoch;
        m_progress.staleEpochs = 0;
        saveCheckpoint(m_run->bestCheckpoint(), checkpoint());
        m_run->writeConfusion("train", m_data.view.classes, report.train);
        if (!m_data.split.val.empty())
            m_run->writeConfusion("val", m_data.view.classes, report.val);
    } else {
        ++m_progress.staleEpochs;
    }
    m_progress.finishEpoch();
    saveLast();

    std::ostringstream line;
    line.precision(4);
    line << "epoch " << report.epoch << "/" << report.epochs << "  train loss " << report.train.loss
         << " acc " << report.train.accuracy << "  val loss " << report.val.loss << " acc "
         << report.val.accuracy << " bal.acc " << report.val.balancedAccuracy << "  lr " << lr
         << (report.best ? "  (best)" : "");
    log(line.str());
    m_observer.onEpoch(report);
}

RunSummary Trainer::testBest(bool earlyStopped) {
    const Checkpoint best = loadCheckpoint(m_run->bestCheckpoint());
    loadStateDict(*m_network, best.stateDict, m_run->bestCheckpoint().string());
    const Predictions test =
        m_strategy->predict(m_data.split.test, m_data.labelsOf(m_data.split.test));
    RunSummary summary;
    summary.runDir = m_dir;
    summary.classes = m_data.view.classes;
    summary.epochsRun = m_progress.epoch;
    summary.bestEpoch = m_progress.bestEpoch;
    summary.earlyStopped = earlyStopped;
    summary.test = test.metrics();
    summary.testIntervals =
        bootstrapIntervals(test.labels, test.probabilities, m_data.classes(), 1000, m_config.seed);
    summary.trainImages = m_data.split.train.size();
    summary.valImages = m_data.split.val.size();
    summary.testImages = m_data.split.test.size();
    if (!test.empty())
        m_run->writeConfusion("test", m_data.view.classes, summary.test);
    m_run->writeSummary(summary);
    std::ostringstream line;
    line.precision(4);
    line << "finished: best epoch " << summary.bestEpoch << ", test accuracy "
         << summary.test.accuracy << ", balanced accuracy " << summary.test.balancedAccuracy;
    log(line.str());
    return summary;
}

RunSummary Trainer::run() {
    const ComputeThreadScope threads(m_execution.threads.value_or(m_config.threads));
    setUp();
    bool earlyStopped = false;
    while (m_progress.epoch < m_config.epochs) {
        trainEpoch();
        if (m_config.patience > 0 && m_progress.staleEpochs >= m_config.patience) {
            log("early stopping: no better validation balanced accuracy for " +
                std::to_string(m_config.patience) + " epochs");
            earlyStopped = true;
            break;
        }
    }
    return testBest(earlyStopped);
}

RunSummary runReporting(Trainer &trainer, TrainObserver &observer) {
    try {
        RunSummary summary = trainer.run();
        observer.onFinished(summary);
        return summary;
    } catch (const Cancelled &) {
        observer.onCancelled();
        throw;
    } catch (const std::exception &e) {
        observer.onFailed(e.what());
        throw;
    }
}

// Makes the trainer (reporting a failure to do so) and runs it.
template <typename Make> RunSummary makeAndRun(TrainObserver &observer, Make make) {
    std::unique_ptr<Trainer> trainer;
    try {
        trainer = make();
    } catch (const std::exception &e) {
        observer.onFailed(e.what());
        throw;
    }
    return runReporting(*trainer, observer);
}

} // namespace

RunSummary startRun(const DatasetIndex &index,
                    const TrainConfig &config,
                    const fs::path &runDir,
                    TrainObserver &observer,
                    const CancelToken *cancel,
                    const ExecutionOptions &execution) {
    return makeAndRun(observer, [&] {
        validate(config);
        return std::make_unique<Trainer>(index, config, runDir, false, execution, observer, cancel);
    });
}

RunSummary resumeRun(const DatasetIndex &index,
                     const fs::path &runDir,
                     TrainObserver &observer,
                     const CancelToken *cancel,
                     const ExecutionOptions &execution) {
    return makeAndRun(observer, [&] {
        return std::make_unique<Trainer>(
            index, RunDirectory::readConfig(runDir), runDir, true, execution, observer, cancel);
    });
}

} // namespace cxr
