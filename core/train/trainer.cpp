// SPDX-License-Identifier: MIT
// A run from start (or resumption) to summary: set up the data, network,
// step strategy and optimiser; then per epoch the epoch loop, validation,
// the run folder's rows and checkpoints; then the test of the best model
// (train/training_run_end.cpp).
#include "train/trainer.h"

#include <sstream>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "compute_threads.h"
#include "errors.h"
#include "train/epoch_loop.h"
#include "train/initial_weights.h"
#include "train/optimiser.h"
#include "train/run_directory.h"
#include "train/run_log_lines.h"
#include "train/run_state.h"
#include "train/run_sync.h"
#include "train/sampler.h"
#include "train/sharding.h"
#include "train/step_strategy.h"
#include "train/training_data.h"
#include "train/training_run.h"
#include "weights/checkpoint.h"

namespace cxr {
namespace fs = std::filesystem;
using Clock = TrainingClock;

namespace {

std::string bytesOf(const at::Tensor &tensor) {
    const at::Tensor bytes = tensor.contiguous();
    return std::string(static_cast<const char *>(bytes.data_ptr()),
                       static_cast<std::size_t>(bytes.numel()));
}

} // namespace

// Rank 0 reads or creates the run folder and makes the network; a failure
// there is shared, so that every rank stops with rank 0's reason.
void TrainingRun::leaderOpensTheRun() {
    if (resuming()) {
        m_run = RunDirectory::open(m_dir);
        m_config = m_run->config();
        if (m_config.precision == Precision::Auto) // recorded before bf16 training existed
            m_config.precision = Precision::Fp32;
    } else {
        m_config = *m_requested;
        m_config.worldSize = m_sync->worldSize();
        m_config.precision = resolvePrecision(m_config.precision, cpuHasNativeBf16());
        validate(m_config);
    }
    m_data = prepareTrainingData(m_index, m_config);
    m_progress.partial = Predictions(m_data.classes());
    torch::manual_seed(m_config.seed); // head initialisation
    if (resuming()) {
        m_last = loadCheckpoint(m_run->lastCheckpoint());
        m_network = networkFromCheckpoint(*m_last, m_run->lastCheckpoint().string());
        m_progress =
            RunProgress::readFrom(*m_last, m_data.classes(), m_run->lastCheckpoint().string());
        m_run->dropMetricsFrom(m_progress.epoch + 1);
        if (const auto note = datasetChangeNote(m_dir, m_index))
            log(*note);
        if (m_config.worldSize != m_sync->worldSize())
            log("resuming with " + std::to_string(m_sync->worldSize()) +
                " processes (started with " + std::to_string(m_config.worldSize) + ")");
    } else {
        m_network = initialNetwork(
            m_config, m_data.classes(), [this](const std::string &line) { log(line); });
        m_run = RunDirectory::create(m_dir, m_config);
        m_run->writeDataset(describeRunDataset(m_index, m_data));
        if (!m_config.excluded.empty())
            log("left out " + std::to_string(m_data.excluded) + " images of the " +
                std::to_string(m_config.excluded.size()) + " listed as excluded" +
                (m_data.excluded < m_config.excluded.size() ? " (the rest are not in this dataset)"
                                                            : ""));
    }
}

void TrainingRun::agreeOnTheRun() {
    std::string problem;
    if (m_sync->leads()) {
        try {
            leaderOpensTheRun();
        } catch (const std::exception &e) {
            problem = e.what();
            if (m_sync->worldSize() == 1)
                throw;
        }
    }
    problem = m_sync->shareText(problem);
    if (!problem.empty()) {
        if (m_sync->leads())
            throw Error(problem);
        throw Error("the job's first process (rank 0) could not start the run: " + problem);
    }
    if (!m_sync->leads()) {
        // The configuration is rank 0's, whatever this process was given:
        // only rank 0 needs the run folder.
        m_config = configFromJson(nlohmann::json::parse(m_sync->shareText("")));
        m_data = prepareTrainingData(m_index, m_config);
        torch::manual_seed(m_config.seed);
        m_network = makeNetwork(m_config.arch, m_data.classes());
        m_progress.partial = Predictions(m_data.classes());
    } else {
        m_sync->shareText(toJson(m_config).dump());
    }
    const std::string counts = std::to_string(m_data.split.train.size()) + "/" +
                               std::to_string(m_data.split.val.size()) + "/" +
                               std::to_string(m_data.split.test.size());
    if (m_sync->shareText(counts) != counts)
        throw Error("the dataset gives this process " + counts +
                    " train/val/test images and rank 0 another split: every machine of a job "
                    "needs the same dataset at the path given");
    // Identical weights everywhere: rank 0's (DistributedDataParallel does
    // the same at construction).
    std::vector<at::Tensor> state = m_network->parameters();
    for (const at::Tensor &buffer : m_network->buffers())
        state.push_back(buffer);
    m_sync->shareTensors(state);
    if (resuming() && m_sync->worldSize() > 1) {
        const nlohmann::json progress = nlohmann::json::parse(
            m_sync->shareText(m_sync->leads() ? m_progress.toJson().dump() : ""));
        if (!m_sync->leads()) {
            m_progress.epoch = progress.value("epoch", 0);
            m_progress.nextBatch = progress.value("next_batch", std::size_t{0});
            m_progress.bestEpoch = progress.value("best_epoch", 0);
            m_progress.bestScore = progress.value("best_val_balanced_accuracy", -1.0);
            m_progress.staleEpochs = progress.value("stale_epochs", 0);
        }
    }
}

void TrainingRun::setUpTraining() {
    const std::size_t world = static_cast<std::size_t>(m_sync->worldSize());
    if (static_cast<std::size_t>(m_config.batchSize) % world != 0)
        throw Error("the batch size (" + std::to_string(m_config.batchSize) +
                    ") is the job's global batch and must be a multiple of its " +
                    std::to_string(world) + " processes");
    m_network->to(m_device);
    useChannelsLast(*m_network);

    StepContext context;
    context.index = &m_index;
    context.config = m_config;
    context.network = m_network;
    context.device = m_device;
    context.loading.preprocessing = m_config.preprocessing();
    context.loading.batchSize = m_config.batchSize / static_cast<int>(world);
    context.loading.threads = m_execution.loaderThreads.value_or(m_config.loaderThreads);
    const int rank = m_sync->rank();
    context.loading.onSkipped = [this, rank](const fs::path &file, const std::string &reason) {
        const std::string line = "skipped " + file.string() + ": " + reason;
        if (m_run)
            m_run->log(line);
        m_observer.onLog(rank == 0 ? line : "rank " + std::to_string(rank) + ": " + line);
    };
    // A job stops only where every rank agrees (in the epoch loop): no rank
    // leaves a collective on its own.
    context.cancel = world == 1 ? m_cancel : nullptr;
    context.log = [this](const std::string &line) { log(line); };
    const std::vector<std::size_t> all = m_data.allSamples();
    m_loading = context.loading;
    m_strategy = makeStepStrategy(context, all, m_data.labelsOf(all));
    const std::vector<at::Tensor> trainable = m_strategy->trainableParameters();
    m_optimiser = makeOptimiser(m_config, trainable);
    if (resuming()) {
        if (m_last)
            restoreOptimiser(*m_optimiser, m_last->trainingState);
        if (world > 1) {
            // Rank 0 read last.pt; the others get its state in one piece.
            std::string state = m_sync->leads() ? bytesOf(optimiserState(*m_optimiser)) : "";
            state = m_sync->shareText(state);
            if (!m_sync->leads())
                restoreOptimiserState(*m_optimiser,
                                      torch::from_blob(state.data(),
                                                       {static_cast<int64_t>(state.size())},
                                                       torch::kUInt8));
        }
    }
    m_last.reset();
    m_gradients = m_sync->gradientSync(trainable);

    EpochLoop::Hooks hooks;
    hooks.saveResumable = [this] {
        saveLast();
        log("cancelled in epoch " + std::to_string(m_progress.epoch + 1) + " after batch " +
            std::to_string(m_progress.nextBatch) + "; resumable from " +
            (m_dir / "last.pt").string());
    };
    hooks.lastCheckpoint = (m_dir / "last.pt").string();
    if (world > 1) {
        hooks.sync = m_sync.get();
        hooks.gradients = m_gradients.get();
        if (m_strategy->updatesBuffers())
            hooks.sharedBuffers = m_network->buffers();
        hooks.reportProgress = m_sync->leads();
    }
    m_loop = std::make_unique<EpochLoop>(
        *m_strategy, *m_optimiser, m_config, m_observer, m_cancel, std::move(hooks));

    log(std::string(resuming() ? "resuming" : "starting") + " " + architectureName(m_config.arch) +
        " on " + taskName(m_config.task) + " (" + m_strategy->description() +
        (world > 1 ? ", " + std::to_string(world) + " processes" : std::string()) +
        "): " + std::to_string(m_data.split.train.size()) + " train, " +
        std::to_string(m_data.split.val.size()) + " val, " +
        std::to_string(m_data.split.test.size()) + " test images");
    // This process's CPU decides (rank 0's, in a job: the others follow its config).
    log(arithmeticLine(m_config.precision, cpuHasNativeBf16()));
    m_strategy->prepare();
}

Checkpoint TrainingRun::checkpoint(const RunProgress &progress) const {
    const nlohmann::json metadata = {{"config", toJson(m_config)},
                                     {"task", taskName(m_config.task)},
                                     {"training", progress.toJson()}};
    return makeCheckpoint(
        *m_network, m_data.view.classes, m_config.preprocessing(), metadata.dump());
}

void TrainingRun::saveLast() {
    // The unfinished epoch's predictions of every rank go into last.pt.
    RunProgress progress = m_progress;
    progress.partial = m_sync->gather(m_progress.partial);
    if (!m_sync->leads())
        return;
    Checkpoint last = checkpoint(progress);
    for (auto &entry : optimiserTensors(*m_optimiser))
        last.trainingState.push_back(std::move(entry));
    progress.storeIn(last);
    saveCheckpoint(m_run->lastCheckpoint(), last);
}

void TrainingRun::trainEpoch() {
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
    std::size_t batches = 0;
    plan = shardPlan(plan,
                     static_cast<std::size_t>(m_config.batchSize),
                     m_sync->rank(),
                     m_sync->worldSize(),
                     batches);
    const auto start = Clock::now();
    const double stepsBefore = m_loop->stepSeconds();
    m_loop->run(m_progress, plan, batches, lr);
    m_progress.nextBatch = batches;
    const double steps = m_loop->stepSeconds() - stepsBefore;
    m_times.steps += steps;
    m_times.loading += secondsSince(start) - steps;

    EpochReport report;
    report.epoch = epoch + 1;
    report.epochs = m_config.epochs;
    report.classes = m_data.view.classes;
    report.learningRate = lr;
    report.train = m_sync->gather(m_progress.partial).metrics();
    try {
        const auto validation = Clock::now();
        report.val = predict(m_data.split.val).metrics();
        m_times.validation += secondsSince(validation);
    } catch (const Cancelled &) {
        saveLast(); // resumes straight into this epoch's validation
        log("cancelled during the validation of epoch " + std::to_string(epoch + 1) +
            "; resumable from " + (m_dir / "last.pt").string());
        throw;
    }
    report.seconds = secondsSince(start);
    // Without a validation set the latest epoch counts as the best.
    const double score = m_data.split.val.empty() ? epoch : report.val.balancedAccuracy;
    report.best = score > m_progress.bestScore;

    if (m_run) {
        m_run->appendMetrics(report.epoch, "train", report.train, lr, report.seconds);
        if (!m_data.split.val.empty())
            m_run->appendMetrics(report.epoch, "val", report.val, lr, report.seconds);
    }
    if (report.best) {
        m_progress.bestScore = score;
        m_progress.bestEpoch = report.epoch;
        m_progress.staleEpochs = 0;
        if (m_run) {
            const auto saving = Clock::now();
            saveCheckpoint(m_run->bestCheckpoint(), checkpoint(m_progress));
            m_times.checkpoints += secondsSince(saving);
            m_run->writeConfusion("train", m_data.view.classes, report.train);
            if (!m_data.split.val.empty())
                m_run->writeConfusion("val", m_data.view.classes, report.val);
        }
    } else {
        ++m_progress.staleEpochs;
    }
    m_progress.finishEpoch();
    const auto saving = Clock::now();
    saveLast();
    m_times.checkpoints += secondsSince(saving);

    std::ostringstream line;
    line.precision(4);
    line << "epoch " << report.epoch << "/" << report.epochs << "  train loss " << report.train.loss
         << " acc " << report.train.accuracy << "  val loss " << report.val.loss << " acc "
         << report.val.accuracy << " bal.acc " << report.val.balancedAccuracy << "  lr " << lr
         << (report.best ? "  (best)" : "");
    log(line.str());
    if (m_sync->leads())
        m_observer.onEpoch(report);
}

RunSummary TrainingRun::run() {
    m_started = Clock::now();
    agreeOnTheRun();
    const ComputeThreadScope threads(m_execution.threads.value_or(m_config.threads));
    setUpTraining();
    m_times.setup = secondsSince(m_started);
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

namespace {

RunSummary runReporting(TrainingRun &trainer, TrainObserver &observer) {
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

} // namespace

RunSummary startRun(const DatasetIndex &index,
                    const TrainConfig &config,
                    const fs::path &runDir,
                    TrainObserver &observer,
                    const CancelToken *cancel,
                    const ExecutionOptions &execution) {
    std::unique_ptr<TrainingRun> trainer;
    try {
        validate(config);
        trainer = std::make_unique<TrainingRun>(index, config, runDir, execution, observer, cancel);
    } catch (const std::exception &e) {
        observer.onFailed(e.what());
        throw;
    }
    return runReporting(*trainer, observer);
}

RunSummary resumeRun(const DatasetIndex &index,
                     const fs::path &runDir,
                     TrainObserver &observer,
                     const CancelToken *cancel,
                     const ExecutionOptions &execution) {
    TrainingRun trainer(index, std::nullopt, runDir, execution, observer, cancel);
    return runReporting(trainer, observer);
}

} // namespace cxr
