// SPDX-License-Identifier: MIT
#include "train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include <ATen/ops/softmax.h>
#include <nlohmann/json.hpp>
#include <torch/nn/functional/pooling.h>
#include <torch/optim/adam.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/types.h>
#include <torch/utils.h>

#include "errors.h"
#include "models/checkpoint.h"
#include "models/weight_import.h"
#include "parallel_for.h"
#include "train/batch_loader.h"
#include "train/losses.h"
#include "train/run_directory.h"
#include "train/sampler.h"
#include "train/split.h"

namespace cxr {
namespace fs = std::filesystem;
namespace F = torch::nn::functional;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Labels and softmax outputs of one pass, with the mean loss.
struct Predictions {
    std::vector<int> labels;
    std::vector<float> probabilities; // row-major, labels.size() x classes
    double lossSum = 0;
    std::size_t correct = 0;

    void add(const torch::Tensor &logits, const torch::Tensor &targets, double batchLoss) {
        const torch::Tensor p = at::softmax(logits.detach(), 1).contiguous();
        correct += static_cast<std::size_t>(p.argmax(1).eq(targets).sum().item<int64_t>());
        probabilities.insert(
            probabilities.end(), p.data_ptr<float>(), p.data_ptr<float>() + p.numel());
        const auto t = targets.contiguous();
        labels.insert(labels.end(), t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel());
        lossSum += batchLoss * static_cast<double>(t.numel());
    }
    Metrics metrics(int classes) const {
        return computeMetrics(labels,
                              probabilities,
                              classes,
                              labels.empty() ? 0.0 : lossSum / static_cast<double>(labels.size()));
    }
};

// The parts of a dataset a run uses, with task labels.
struct RunData {
    TaskView view;
    RunSplit split;
    std::vector<int> labelsOf(const std::vector<std::size_t> &samples) const {
        std::vector<int> out;
        for (std::size_t i : samples)
            out.push_back(view.labels[i]);
        return out;
    }
};

std::vector<std::size_t> pick(const std::vector<std::size_t> &from,
                              const std::vector<std::size_t> &order) {
    std::vector<std::size_t> out;
    out.reserve(order.size());
    for (std::size_t i : order)
        out.push_back(from[i]);
    return out;
}

Network initialNetwork(const TrainConfig &config, int classes, TrainObserver &observer) {
    if (config.init == "scratch") {
        observer.onLog("initial weights: random (training from scratch)");
        return makeNetwork(config.arch, classes);
    }
    fs::path file;
    if (config.init == "chexnet") {
        if (config.chexnetWeights.empty())
            throw Error("this configuration starts from the CheXNet weights, which cannot be "
                        "downloaded: get model.pth.tar (arnoweng/CheXNet) and pass it with "
                        "--init /path/to/model.pth.tar (see docs/weights.md)");
        file = config.chexnetWeights;
    } else {
        DownloadOptions download;
        if (!config.weightsCache.empty())
            download.cacheDir = config.weightsCache;
        file = resolveWeightsSource(config.init, config.arch, download);
    }
    ImportedWeights imported = importWeights(config.arch, classes, file);
    observer.onLog("initial weights: " + file.string() + " — " + imported.report.summary());
    return imported.network;
}

std::string optimiserBlob(const torch::optim::Adam &optimiser) {
    torch::serialize::OutputArchive archive;
    optimiser.save(archive);
    std::ostringstream out;
    archive.save_to(out);
    return out.str();
}

void restoreOptimiser(torch::optim::Adam &optimiser, const at::Tensor &blob) {
    const std::string bytes(static_cast<const char *>(blob.data_ptr()),
                            static_cast<std::size_t>(blob.numel()));
    std::istringstream in(bytes);
    torch::serialize::InputArchive archive;
    archive.load_from(in);
    optimiser.load(archive);
}

at::Tensor bytesTensor(const std::string &bytes) {
    return torch::from_blob(const_cast<char *>(bytes.data()),
                            {static_cast<int64_t>(bytes.size())},
                            torch::kUInt8)
        .clone();
}

// Where a run stands; saved in last.pt's metadata so a run can resume.
struct Progress {
    int epoch = 0;             // 0-based epoch in progress (== epochs when done)
    std::size_t nextBatch = 0; // first batch of `epoch` not yet trained
    int bestEpoch = 0;         // 1-based; 0 = none yet
    double bestScore = -1;     // best validation balanced accuracy
    int staleEpochs = 0;       // epochs since the best
    Predictions partial;       // predictions of the unfinished epoch

    nlohmann::json toJson() const {
        return {{"epoch", epoch},
                {"next_batch", nextBatch},
                {"best_epoch", bestEpoch},
                {"best_val_balanced_accuracy", bestScore},
                {"stale_epochs", staleEpochs},
                {"partial_loss_sum", partial.lossSum}};
    }
};

class TrainingRun {
  public:
    TrainingRun(const DatasetIndex &index,
                const TrainConfig &config,
                const fs::path &dir,
                bool resume,
                TrainObserver &observer,
                const CancelToken *cancel)
        : m_index(index), m_config(config), m_observer(observer), m_cancel(cancel),
          m_resume(resume), m_dir(dir) {}

    RunSummary run();

  private:
    void prepare();
    void restore(const Checkpoint &last, const fs::path &file);
    void trainEpoch();
    Predictions evaluate(const std::vector<std::size_t> &samples);
    torch::Tensor pooledFeatures(const torch::Tensor &images);
    void saveLast();
    Checkpoint checkpoint(const std::string &trainingJson = "{}");
    void log(const std::string &line) {
        m_run->log(line);
        m_observer.onLog(line);
    }
    BatchLoader::Options loaderOptions() const;

    const DatasetIndex &m_index;
    TrainConfig m_config;
    TrainObserver &m_observer;
    const CancelToken *m_cancel;
    bool m_resume;
    fs::path m_dir;

    std::optional<RunDirectory> m_run;
    RunData m_data;
    Network m_network;
    std::unique_ptr<torch::optim::Adam> m_optimiser;
    Progress m_progress;
    Clock::time_point m_start = Clock::now();
    std::size_t m_imagesDone = 0;
    // Frozen-backbone fast path: pooled features computed once per sample.
    bool m_cachedFeatures = false;
    std::map<std::size_t, torch::Tensor> m_features; // sample index -> pooled features
};

BatchLoader::Options TrainingRun::loaderOptions() const {
    BatchLoader::Options options;
    options.preprocessing = m_config.preprocessing();
    options.batchSize = m_config.batchSize;
    options.threads = m_config.loaderThreads;
    RunDirectory run = *m_run;
    TrainObserver &observer = m_observer;
    options.onSkipped = [run, &observer](const fs::path &file, const std::string &reason) {
        const std::string line = "skipped " + file.string() + ": " + reason;
        run.log(line);
        observer.onLog(line);
    };
    return options;
}

void TrainingRun::prepare() {
    validate(m_config);
    // LibTorch's default here is one OpenMP thread; use every core unless told.
    at::set_num_threads(resolveThreadCount(m_config.threads));
    m_data.view = viewForTask(m_index, m_config.task);
    m_data.split = splitForTraining(m_index, m_data.view, m_config.valFraction, m_config.seed);
    if (m_data.split.train.empty())
        throw Error("the dataset has no training images for the " +
                    std::string(taskName(m_config.task)) + " task");
    // Every class must be seen in training, or the model cannot learn it.
    std::vector<std::size_t> perClass(m_data.view.classes.size(), 0);
    for (std::size_t i : m_data.split.train)
        ++perClass[static_cast<std::size_t>(m_data.view.labels[i])];
    for (std::size_t c = 0; c < perClass.size(); ++c)
        if (perClass[c] == 0)
            throw Error("the training split has no images of class " + m_data.view.classes[c]);

    const int classes = static_cast<int>(m_data.view.classes.size());
    torch::manual_seed(m_config.seed); // head initialisation
    if (m_resume) {
        RunDirectory::readConfig(m_dir); // a clear error when this is not a run folder
        const fs::path lastFile = m_dir / "last.pt";
        const Checkpoint last = loadCheckpoint(lastFile);
        m_network = networkFromCheckpoint(last, lastFile.string());
        restore(last, lastFile);
        m_run = RunDirectory::resume(m_dir, m_progress.epoch + 1);
    } else {
        m_network = initialNetwork(m_config, classes, m_observer);
        m_run = RunDirectory::create(m_dir, toJson(m_config));
    }
    useChannelsLast(*m_network);

    std::vector<torch::Tensor> trainable;
    if (m_config.freeze == Freeze::Backbone) {
        for (auto &p : m_network->parameters())
            p.set_requires_grad(false);
        for (auto &p : m_network->head()->parameters()) {
            p.set_requires_grad(true);
            trainable.push_back(p);
        }
    } else {
        trainable = m_network->parameters();
    }
    m_optimiser = std::make_unique<torch::optim::Adam>(
        trainable, torch::optim::AdamOptions(m_config.learningRate));
    if (m_resume) {
        const Checkpoint last = loadCheckpoint(m_run->lastCheckpoint());
        for (const auto &[name, tensor] : last.trainingState)
            if (name == "optimizer")
                restoreOptimiser(*m_optimiser, tensor);
    }
    m_cachedFeatures = m_config.freeze == Freeze::Backbone && !m_config.augmentation.enabled();
    log(std::string(m_resume ? "resuming" : "starting") + " " + architectureName(m_config.arch) +
        " on " + taskName(m_config.task) + ": " + std::to_string(m_data.split.train.size()) +
        " train, " + std::to_string(m_data.split.val.size()) + " val, " +
        std::to_string(m_data.split.test.size()) + " test images" +
        (m_cachedFeatures ? " (frozen backbone: features computed once)" : ""));
}

void TrainingRun::restore(const Checkpoint &last, const fs::path &file) {
    const auto metadata = nlohmann::json::parse(last.metadataJson, nullptr, false);
    if (!metadata.is_object() || !metadata.contains("training"))
        throw Error("\"" + file.string() + "\" holds no training progress");
    const auto &t = metadata["training"];
    m_progress.epoch = t.value("epoch", 0);
    m_progress.nextBatch = t.value("next_batch", std::size_t{0});
    m_progress.bestEpoch = t.value("best_epoch", 0);
    m_progress.bestScore = t.value("best_val_balanced_accuracy", -1.0);
    m_progress.staleEpochs = t.value("stale_epochs", 0);
    m_progress.partial.lossSum = t.value("partial_loss_sum", 0.0);
    for (const auto &[name, tensor] : last.trainingState) {
        if (name == "epoch_labels") {
            const auto l = tensor.to(torch::kLong).contiguous();
            m_progress.partial.labels.assign(l.data_ptr<int64_t>(),
                                             l.data_ptr<int64_t>() + l.numel());
        } else if (name == "epoch_probabilities") {
            const auto p = tensor.to(torch::kFloat).contiguous();
            m_progress.partial.probabilities.assign(p.data_ptr<float>(),
                                                    p.data_ptr<float>() + p.numel());
        }
    }
    Predictions &partial = m_progress.partial;
    const std::size_t k = m_data.view.classes.size();
    if (partial.probabilities.size() != partial.labels.size() * k)
        throw Error("\"" + file.string() + "\" holds inconsistent training progress");
    for (std::size_t i = 0; i < partial.labels.size(); ++i) {
        const float *row = partial.probabilities.data() + i * k;
        partial.correct +=
            static_cast<int>(std::max_element(row, row + k) - row) == partial.labels[i];
    }
}

Checkpoint TrainingRun::checkpoint(const std::string &trainingJson) {
    nlohmann::json metadata = {{"config", toJson(m_config)},
                               {"task", taskName(m_config.task)},
                               {"training", nlohmann::json::parse(trainingJson)}};
    return makeCheckpoint(
        *m_network, m_data.view.classes, m_config.preprocessing(), metadata.dump());
}

void TrainingRun::saveLast() {
    Checkpoint last = checkpoint(m_progress.toJson().dump());
    last.trainingState.emplace_back("optimizer", bytesTensor(optimiserBlob(*m_optimiser)));
    const auto &partial = m_progress.partial;
    last.trainingState.emplace_back(
        "epoch_labels",
        torch::tensor(std::vector<int64_t>(partial.labels.begin(), partial.labels.end()),
                      torch::kLong));
    last.trainingState.emplace_back("epoch_probabilities",
                                    torch::tensor(partial.probabilities, torch::kFloat));
    saveCheckpoint(m_run->lastCheckpoint(), last);
}

torch::Tensor TrainingRun::pooledFeatures(const torch::Tensor &images) {
    return F::adaptive_avg_pool2d(m_network->features(images), F::AdaptiveAvgPool2dFuncOptions(1))
        .flatten(1);
}

Predictions TrainingRun::evaluate(const std::vector<std::size_t> &samples) {
    Predictions out;
    if (samples.empty())
        return out;
    m_network->eval();
    torch::NoGradGuard noGrad;
    const std::vector<int> labels = m_data.labelsOf(samples);
    if (m_cachedFeatures) {
        std::vector<torch::Tensor> rows;
        std::vector<int64_t> kept;
        for (std::size_t k = 0; k < samples.size(); ++k)
            if (const auto it = m_features.find(samples[k]); it != m_features.end()) {
                rows.push_back(it->second);
                kept.push_back(labels[k]);
            }
        if (rows.empty())
            return out;
        const auto logits = m_network->head()->forward(torch::stack(rows));
        const auto targets = torch::tensor(kept, torch::kLong);
        out.add(logits, targets, classificationLoss(logits, targets, m_config.loss).item<double>());
        return out;
    }
    BatchLoader loader(m_index, samples, labels, loaderOptions());
    while (auto batch = loader.next()) {
        if (m_cancel)
            m_cancel->throwIfCancelled();
        if (batch->labels.numel() == 0)
            continue;
        const auto logits = m_network->forward(batch->images);
        out.add(logits,
                batch->labels,
                classificationLoss(logits, batch->labels, m_config.loss).item<double>());
    }
    return out;
}

void TrainingRun::trainEpoch() {
    const int epoch = m_progress.epoch;
    const double lr = m_config.learningRateAt(epoch);
    for (auto &group : m_optimiser->param_groups())
        static_cast<torch::optim::AdamOptions &>(group.options()).lr(lr);
    const std::vector<std::size_t> order = pick(
        m_data.split.train,
        epochOrder(m_data.labelsOf(m_data.split.train), m_config.sampler, m_config.seed, epoch));
    const std::vector<int> labels = m_data.labelsOf(order);
    const std::size_t batches = (order.size() + static_cast<std::size_t>(m_config.batchSize) - 1) /
                                static_cast<std::size_t>(m_config.batchSize);
    const auto epochStart = Clock::now();
    // A frozen backbone stays in eval mode (its BatchNorm statistics fixed).
    if (m_config.freeze == Freeze::Backbone)
        m_network->eval();
    else
        m_network->train();

    auto step = [&](std::size_t batchIndex,
                    const torch::Tensor &logits,
                    const torch::Tensor &targets) {
        const torch::Tensor loss = classificationLoss(logits, targets, m_config.loss);
        const double value = loss.item<double>();
        if (!std::isfinite(value))
            throw Error("the training loss became " +
                        std::string(std::isnan(value) ? "NaN" : "infinite") + " in epoch " +
                        std::to_string(epoch + 1) + ", batch " + std::to_string(batchIndex + 1) +
                        "; stopped. The last good checkpoint (" + m_run->lastCheckpoint().string() +
                        ") is intact; a lower learning rate (--lr) usually helps");
        m_optimiser->zero_grad();
        loss.backward();
        m_optimiser->step();
        m_progress.partial.add(logits, targets, value);
        m_progress.nextBatch = batchIndex + 1;
        m_imagesDone += static_cast<std::size_t>(targets.numel());

        BatchProgress progress;
        progress.epoch = epoch + 1;
        progress.epochs = m_config.epochs;
        progress.batch = batchIndex + 1;
        progress.batches = batches;
        const auto &p = m_progress.partial;
        progress.loss = p.lossSum / static_cast<double>(std::max<std::size_t>(1, p.labels.size()));
        progress.accuracy = static_cast<double>(p.correct) /
                            static_cast<double>(std::max<std::size_t>(1, p.labels.size()));
        progress.batchLoss = value;
        progress.learningRate = lr;
        progress.imagesPerSecond =
            static_cast<double>(m_imagesDone) / std::max(1e-6, secondsSince(m_start));
        const double remaining =
            static_cast<double>((batches - batchIndex - 1) +
                                static_cast<std::size_t>(m_config.epochs - epoch - 1) * batches) *
            m_config.batchSize;
        progress.etaSeconds = remaining / std::max(1e-6, progress.imagesPerSecond);
        m_observer.onBatch(progress);
    };
    auto checkCancel = [&] {
        if (m_cancel && m_cancel->cancelled()) {
            saveLast();
            log("cancelled in epoch " + std::to_string(epoch + 1) + " after batch " +
                std::to_string(m_progress.nextBatch) + "; resumable from " +
                m_run->lastCheckpoint().string());
            throw Cancelled();
        }
    };

    if (m_cachedFeatures) {
        for (std::size_t b = m_progress.nextBatch; b < batches; ++b) {
            checkCancel();
            std::vector<torch::Tensor> rows;
            std::vector<int64_t> targets;
            for (std::size_t k = b * static_cast<std::size_t>(m_config.batchSize);
                 k < std::min(order.size(), (b + 1) * static_cast<std::size_t>(m_config.batchSize));
                 ++k)
                if (const auto it = m_features.find(order[k]); it != m_features.end()) {
                    rows.push_back(it->second);
                    targets.push_back(labels[k]);
                }
            if (rows.empty())
                continue;
            step(b,
                 m_network->head()->forward(torch::stack(rows)),
                 torch::tensor(targets, torch::kLong));
        }
    } else {
        BatchLoader::Options options = loaderOptions();
        if (m_config.augmentation.enabled())
            options.augmentation = m_config.augmentation;
        options.augmentSeed = mixSeed(m_config.seed, 0xA06 + static_cast<std::uint64_t>(epoch));
        options.firstBatch = m_progress.nextBatch;
        BatchLoader loader(m_index, order, labels, options);
        while (auto batch = loader.next()) {
            checkCancel();
            if (batch->labels.numel() == 0)
                continue;
            torch::Tensor logits;
            if (m_config.freeze == Freeze::Backbone) {
                torch::Tensor pooled;
                {
                    torch::NoGradGuard noGrad;
                    pooled = pooledFeatures(batch->images);
                }
                logits = m_network->head()->forward(pooled);
            } else {
                logits = m_network->forward(batch->images);
            }
            step(batch->index, logits, batch->labels);
        }
    }

    EpochReport report;
    report.epoch = epoch + 1;
    report.epochs = m_config.epochs;
    report.learningRate = lr;
    const int classes = static_cast<int>(m_data.view.classes.size());
    report.train = m_progress.partial.metrics(classes);
    const Predictions val = evaluate(m_data.split.val);
    report.val = val.metrics(classes);
    report.seconds = secondsSince(epochStart);
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
        saveCheckpoint(m_run->bestCheckpoint(), checkpoint(m_progress.toJson().dump()));
        m_run->writeConfusion("train", m_data.view.classes, report.train);
        if (!m_data.split.val.empty())
            m_run->writeConfusion("val", m_data.view.classes, report.val);
    } else {
        ++m_progress.staleEpochs;
    }
    m_progress.epoch = epoch + 1;
    m_progress.nextBatch = 0;
    m_progress.partial = Predictions{};
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

RunSummary TrainingRun::run() {
    prepare();
    if (m_cachedFeatures) {
        m_network->eval();
        torch::NoGradGuard noGrad;
        std::vector<std::size_t> all = m_data.split.train;
        all.insert(all.end(), m_data.split.val.begin(), m_data.split.val.end());
        all.insert(all.end(), m_data.split.test.begin(), m_data.split.test.end());
        BatchLoader loader(m_index, all, m_data.labelsOf(all), loaderOptions());
        while (auto batch = loader.next()) {
            if (m_cancel)
                m_cancel->throwIfCancelled();
            if (batch->labels.numel() == 0)
                continue;
            const torch::Tensor pooled = pooledFeatures(batch->images);
            for (std::size_t r = 0; r < batch->positions.size(); ++r)
                m_features[all[batch->positions[r]]] = pooled[static_cast<int64_t>(r)].clone();
        }
        log("computed backbone features of " + std::to_string(m_features.size()) + " images");
    }
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

    // Test the best model (by validation balanced accuracy).
    const Checkpoint best = loadCheckpoint(m_run->bestCheckpoint());
    m_network = networkFromCheckpoint(best, m_run->bestCheckpoint().string());
    const int classes = static_cast<int>(m_data.view.classes.size());
    const Predictions test = evaluate(m_data.split.test);
    RunSummary summary;
    summary.runDir = m_dir;
    summary.classes = m_data.view.classes;
    summary.epochsRun = m_progress.epoch;
    summary.bestEpoch = m_progress.bestEpoch;
    summary.earlyStopped = earlyStopped;
    summary.test = test.metrics(classes);
    summary.testIntervals =
        bootstrapIntervals(test.labels, test.probabilities, classes, 1000, m_config.seed);
    summary.trainImages = m_data.split.train.size();
    summary.valImages = m_data.split.val.size();
    summary.testImages = m_data.split.test.size();
    if (!test.labels.empty())
        m_run->writeConfusion("test", m_data.view.classes, summary.test);

    auto interval = [](const Interval &i) { return nlohmann::json::array({i.low, i.high}); };
    auto number = [](double v) { return std::isnan(v) ? nlohmann::json() : nlohmann::json(v); };
    nlohmann::json perClass = nlohmann::json::object();
    for (std::size_t c = 0; c < summary.classes.size(); ++c) {
        const ClassMetrics &m = summary.test.perClass[c];
        perClass[summary.classes[c]] = {{"precision", m.precision},
                                        {"recall", m.recall},
                                        {"f1", m.f1},
                                        {"auc", number(m.auc)},
                                        {"support", m.support},
                                        {"recall_ci95", interval(summary.testIntervals.recall[c])}};
    }
    m_run->writeSummary(
        {{"classes", summary.classes},
         {"epochs_run", summary.epochsRun},
         {"best_epoch", summary.bestEpoch},
         {"early_stopped", earlyStopped},
         {"images",
          {{"train", summary.trainImages},
           {"val", summary.valImages},
           {"test", summary.testImages}}},
         {"test",
          {{"loss", summary.test.loss},
           {"accuracy", summary.test.accuracy},
           {"accuracy_ci95", interval(summary.testIntervals.accuracy)},
           {"balanced_accuracy", summary.test.balancedAccuracy},
           {"balanced_accuracy_ci95", interval(summary.testIntervals.balancedAccuracy)},
           {"macro_f1", summary.test.macroF1},
           {"macro_f1_ci95", interval(summary.testIntervals.macroF1)},
           {"per_class", perClass},
           {"confusion", summary.test.confusion}}}});
    std::ostringstream line;
    line.precision(4);
    line << "finished: best epoch " << summary.bestEpoch << ", test accuracy "
         << summary.test.accuracy << ", balanced accuracy " << summary.test.balancedAccuracy;
    log(line.str());
    return summary;
}

} // namespace

RunSummary train(const DatasetIndex &index,
                 const TrainConfig &config,
                 const fs::path &runDir,
                 bool resume,
                 TrainObserver &observer,
                 const CancelToken *cancel) {
    try {
        TrainingRun run(index, config, runDir, resume, observer, cancel);
        RunSummary summary = run.run();
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

Evaluation evaluateModel(const fs::path &model,
                         const DatasetIndex &index,
                         Split split,
                         int batchSize,
                         int threads,
                         const ProgressFn &progress,
                         const CancelToken *cancel) {
    const Checkpoint checkpoint = loadCheckpoint(model);
    Network network = networkFromCheckpoint(checkpoint, model.string());
    // The model's classes decide the task: map the dataset's classes by name.
    Task task = Task::FourClass;
    for (Task t : {Task::FourClass, Task::NormalVsPneumonia, Task::BacteriaVsVirus})
        if (taskClasses(t) == checkpoint.classes)
            task = t;
    if (taskClasses(task) != checkpoint.classes)
        throw Error("the model's classes do not match any task of this version");
    const TaskView view = viewForTask(index, task);
    std::vector<std::size_t> samples;
    std::vector<int> labels;
    for (std::size_t i = 0; i < index.samples.size(); ++i)
        if (index.samples[i].split == split && view.labels[i] >= 0) {
            samples.push_back(i);
            labels.push_back(view.labels[i]);
        }
    if (samples.empty())
        throw Error(std::string("the dataset has no ") + splitName(split) +
                    " images for this model");

    Evaluation evaluation;
    evaluation.classes = checkpoint.classes;
    BatchLoader::Options options;
    options.preprocessing = checkpoint.preprocessing;
    options.batchSize = batchSize;
    options.threads = threads;
    options.onSkipped = [&evaluation](const fs::path &, const std::string &) {
        ++evaluation.skipped;
    };
    BatchLoader loader(index, samples, labels, options);
    Predictions predictions;
    network->eval();
    torch::NoGradGuard noGrad;
    std::size_t done = 0;
    while (auto batch = loader.next()) {
        if (cancel)
            cancel->throwIfCancelled();
        done += batch->positions.size();
        if (progress)
            progress(done, samples.size());
        if (batch->labels.numel() == 0)
            continue;
        const auto logits = network->forward(batch->images);
        predictions.add(logits,
                        batch->labels,
                        classificationLoss(logits, batch->labels, LossConfig{}).item<double>());
    }
    const int classes = static_cast<int>(checkpoint.classes.size());
    evaluation.metrics = predictions.metrics(classes);
    evaluation.intervals =
        bootstrapIntervals(predictions.labels, predictions.probabilities, classes);
    return evaluation;
}

} // namespace cxr
