// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "data/dataset_scan.h"
#include "data/phantoms.h"
#include "errors.h"
#include "eval/calibration.h"
#include "eval/operating_point.h"
#include "infer/ood_gate.h"
#include "support/model_fixture.h"
#include "train/trainer.h"
#include "weights/checkpoint.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;

DatasetIndex phantomDataset(const test::TempDir &dir, int perClass, int testPerClass, int size) {
    writePhantomDataset(dir / "data", PhantomOptions{perClass, testPerClass, size, 5});
    return scan(dir / "data");
}

TrainConfig smallConfig(int imageSize) {
    TrainConfig config;
    config.init = "scratch";
    config.imageSize = imageSize;
    config.batchSize = 8;
    config.epochs = 2;
    config.valFraction = 0.25;
    config.threads = 1; // bitwise reproducible
    config.seed = 3;
    return config;
}

// Records events; can cancel after a chosen batch.
class Recorder : public TrainObserver {
  public:
    void onBatch(const BatchProgress &p) override {
        ++batches;
        if (cancelAtEpoch == p.epoch && cancelAtBatch == p.batch && cancel)
            cancel->cancel();
    }
    void onEpoch(const EpochReport &report) override { epochs.push_back(report); }
    void onFinished(const RunSummary &s) override {
        finished = true;
        summary = s;
    }
    void onFailed(const std::string &message) override { failure = message; }
    void onCancelled() override { cancelled = true; }

    CancelToken *cancel = nullptr;
    int cancelAtEpoch = -1;
    std::size_t cancelAtBatch = 0;
    int batches = 0;
    std::vector<EpochReport> epochs;
    bool finished = false, cancelled = false;
    std::string failure;
    RunSummary summary;
};

std::string metricsWithoutTimes(const fs::path &run) {
    std::string text = test::readFile(run / "metrics.csv"), out;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::string line = text.substr(start, end - start);
        out += line.substr(0, line.rfind(',')) + "\n"; // drop the seconds column
        start = end + 1;
    }
    return out;
}

// ResNet50 from scratch at 64 px on 256 phantoms, four classes: the model
// must beat chance (0.25) on the held-out test split. It reached 0.48 once
// the phantoms stopped telling the class by the lesion's place (about 0.7
// before); a model that guesses scores above 0.35 on 64 images with a
// probability of about 3%.
TEST(Trainer, LearnsThePhantomsWellAboveChance) {
    test::TempDir dir;
    const DatasetIndex index = phantomDataset(dir, 64, 16, 64);
    TrainConfig config = smallConfig(64);
    config.epochs = 10;
    config.batchSize = 16;
    config.valFraction = 0.15;
    config.augmentation = Augmentation::none();
    config.threads = 0;
    Recorder recorder;
    const RunSummary summary = startRun(index, config, dir / "run", recorder);
    EXPECT_TRUE(recorder.finished);
    EXPECT_EQ(recorder.epochs.size(), 10u);
    EXPECT_EQ(summary.testImages, 64u);
    EXPECT_GT(summary.test.balancedAccuracy, 0.35) << "test balanced accuracy";
    for (const char *file : {"config.json",
                             "metrics.csv",
                             "best.pt",
                             "last.pt",
                             "summary.json",
                             "log.txt",
                             "confusion_test.csv",
                             "confusion_val.csv"})
        EXPECT_TRUE(fs::exists(dir / "run" / file)) << file;
    const auto summaryJson = nlohmann::json::parse(test::readFile(dir / "run" / "summary.json"));
    EXPECT_EQ(summaryJson["test"]["per_class"].size(), 4u);
    EXPECT_EQ(summaryJson["test"]["accuracy_ci95"].size(), 2u);
    // metrics.csv: header plus a train and a val row per epoch.
    const std::string metrics = test::readFile(dir / "run" / "metrics.csv");
    EXPECT_EQ(std::count(metrics.begin(), metrics.end(), '\n'), 1 + 2 * 10);
    EXPECT_EQ(metrics.rfind("epoch,split,loss,accuracy,balanced_accuracy,macro_f1,lr,seconds", 0),
              0u);
}

// An interrupted run resumed from last.pt ends with exactly the weights and
// metrics of an uninterrupted one: data order, augmentation and optimiser
// state are all restored.
TEST(Trainer, CancelAndResumeEqualsAnUninterruptedRun) {
    test::TempDir dir;
    const DatasetIndex index = phantomDataset(dir, 4, 1, 32);
    const TrainConfig config = smallConfig(32); // augmentation on: paper defaults

    Recorder straight;
    startRun(index, config, dir / "straight", straight);

    for (const auto &[epoch, batch] : std::vector<std::pair<int, std::size_t>>{{1, 1}, {2, 2}}) {
        SCOPED_TRACE("cancel after epoch " + std::to_string(epoch) + " batch " +
                     std::to_string(batch));
        const fs::path run = dir / ("resumed" + std::to_string(epoch));
        CancelToken cancel;
        Recorder first;
        first.cancel = &cancel;
        first.cancelAtEpoch = epoch;
        first.cancelAtBatch = batch;
        EXPECT_THROW(startRun(index, config, run, first, &cancel), Cancelled);
        EXPECT_TRUE(first.cancelled);
        ASSERT_TRUE(fs::exists(run / "last.pt"));

        Recorder second;
        resumeRun(index, run, second);
        EXPECT_TRUE(second.finished);

        const Checkpoint a = loadCheckpoint(dir / "straight" / "last.pt");
        const Checkpoint b = loadCheckpoint(run / "last.pt");
        ASSERT_EQ(a.stateDict.size(), b.stateDict.size());
        double worst = 0;
        for (std::size_t i = 0; i < a.stateDict.size(); ++i)
            worst = std::max(worst,
                             test::maxAbsDiff(a.stateDict[i].second.to(torch::kDouble),
                                              b.stateDict[i].second.to(torch::kDouble)));
        EXPECT_EQ(worst, 0.0);
        EXPECT_EQ(metricsWithoutTimes(run), metricsWithoutTimes(dir / "straight"));
    }
}

TEST(Trainer, NanLossStopsWithAClearErrorAndWritesNoCheckpoint) {
    test::TempDir dir;
    const DatasetIndex index = phantomDataset(dir, 4, 1, 32);
    // Initial weights whose head is NaN: the first loss is NaN.
    Network network = makeNetwork(Architecture::ResNet50, 4);
    {
        torch::NoGradGuard noGrad;
        network->head()->weight.fill_(std::numeric_limits<float>::quiet_NaN());
    }
    saveCheckpoint(
        dir / "nan.pt",
        makeCheckpoint(*network, {"NORMAL", "BACTERIA", "VIRUS", "COVID19"}, Preprocessing{}));
    TrainConfig config = smallConfig(32);
    config.init = (dir / "nan.pt").string();
    Recorder recorder;
    try {
        startRun(index, config, dir / "run", recorder);
        FAIL() << "expected Error";
    } catch (const Error &e) {
        EXPECT_NE(std::string(e.what()).find("NaN"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("epoch 1, batch 1"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(recorder.failure.empty());
    EXPECT_FALSE(fs::exists(dir / "run" / "last.pt"));
    EXPECT_FALSE(fs::exists(dir / "run" / "best.pt"));
}

TEST(Trainer, RefusesToOverwriteAnotherRunOrWriteNowhere) {
    test::TempDir dir;
    const DatasetIndex index = phantomDataset(dir, 3, 1, 32);
    test::writeFile(dir / "taken" / "notes.txt", "someone's run");
    Recorder recorder;
    try {
        startRun(index, smallConfig(32), dir / "taken", recorder);
        FAIL() << "expected Error";
    } catch (const Error &e) {
        EXPECT_NE(std::string(e.what()).find("resume that run"), std::string::npos) << e.what();
    }
    EXPECT_EQ(test::readFile(dir / "taken" / "notes.txt"), "someone's run");
    test::writeFile(dir / "file", "x");
    EXPECT_THROW(startRun(index, smallConfig(32), dir / "file" / "run", recorder), Error);
    EXPECT_THROW(resumeRun(index, dir / "nothing", recorder), Error);
}

TEST(Trainer, FrozenBackboneFastPathTrainsOnlyTheHead) {
    test::TempDir dir;
    const DatasetIndex index = phantomDataset(dir, 6, 2, 32);
    TrainConfig config = smallConfig(32);
    config.freeze = Freeze::Backbone;
    config.augmentation = Augmentation::none();
    config.epochs = 3;
    Recorder recorder;
    startRun(index, config, dir / "run", recorder);
    EXPECT_EQ(recorder.epochs.size(), 3u);
    // The backbone is untouched: best.pt's conv1 equals the scratch init.
    torch::manual_seed(config.seed);
    Network fresh = makeNetwork(Architecture::ResNet50, 4);
    const Checkpoint best = loadCheckpoint(dir / "run" / "best.pt");
    for (const auto &[name, tensor] : best.stateDict) {
        if (name == "conv1.weight") {
            EXPECT_EQ(test::maxAbsDiff(tensor, fresh->named_parameters()["conv1.weight"]), 0.0);
        }
    }
    EXPECT_NE(test::readFile(dir / "run" / "log.txt").find("features computed once"),
              std::string::npos);

    // The run ends calibrated: a temperature fitted on the validation
    // split, stored in best.pt and reported with the test split's ECE.
    const auto calibration = calibrationFromMetadata(best.metadataJson);
    ASSERT_TRUE(calibration.has_value());
    EXPECT_GT(calibration->temperature, 0.05);
    EXPECT_GT(calibration->images, 0u);
    ASSERT_TRUE(recorder.summary.calibration.has_value());
    EXPECT_DOUBLE_EQ(recorder.summary.calibration->temperature, calibration->temperature);
    const auto summary = nlohmann::json::parse(test::readFile(dir / "run" / "summary.json"));
    ASSERT_TRUE(summary.contains("calibration"));
    EXPECT_DOUBLE_EQ(summary["calibration"]["temperature"].get<double>(), calibration->temperature);
    EXPECT_TRUE(summary["calibration"].contains("test_ece_calibrated"));
    // And with an operating point per class, chosen on the calibrated scale.
    const auto points = operatingPointsFromMetadata(best.metadataJson);
    EXPECT_FALSE(points.empty());
    EXPECT_EQ(points.size(), recorder.summary.operatingPoints.size());
    EXPECT_EQ(recorder.summary.testAtOperatingPoints.size(), points.size());
    // And with the out-of-distribution gate, whole enough to load.
    const auto gate = OodGate::fromState(best.oodGate);
    ASSERT_TRUE(gate.has_value());
    EXPECT_GT(gate->threshold(), 0.0);
    ASSERT_TRUE(summary.contains("ood_gate"));
    EXPECT_DOUBLE_EQ(summary["ood_gate"]["threshold"].get<double>(), gate->threshold());
    EXPECT_TRUE(gate->seesLayout());
    EXPECT_EQ(summary["ood_gate"]["views"], nlohmann::json({"features", "spread", "appearance"}));
}

// With augmentation the images change every epoch, so the frozen backbone
// runs each batch (no cached features); it still never changes.
TEST(Trainer, FrozenBackboneWithAugmentationTrainsOnlyTheHead) {
    test::TempDir dir;
    const DatasetIndex index = phantomDataset(dir, 4, 1, 32);
    TrainConfig config = smallConfig(32);
    config.freeze = Freeze::Backbone;
    config.epochs = 2;
    Recorder recorder;
    startRun(index, config, dir / "run", recorder);
    torch::manual_seed(config.seed);
    Network fresh = makeNetwork(Architecture::ResNet50, 4);
    const auto freshParameters = fresh->named_parameters();
    const Checkpoint last = loadCheckpoint(dir / "run" / "last.pt");
    bool headChanged = false;
    for (const auto &[name, tensor] : last.stateDict) {
        if (!freshParameters.contains(name))
            continue; // buffers
        const double change = test::maxAbsDiff(tensor, freshParameters[name]);
        if (name.rfind("fc.", 0) == 0)
            headChanged = headChanged || change > 0;
        else
            EXPECT_EQ(change, 0.0) << name;
    }
    EXPECT_TRUE(headChanged);
    const std::string log = test::readFile(dir / "run" / "log.txt");
    EXPECT_NE(log.find("frozen backbone, head only"), std::string::npos) << log;
    EXPECT_EQ(log.find("features computed once"), std::string::npos) << log;
}

TEST(Trainer, EarlyStoppingEndsARunThatStopsImproving) {
    test::TempDir dir;
    const DatasetIndex index = phantomDataset(dir, 4, 1, 32);
    TrainConfig config = smallConfig(32);
    config.epochs = 6;
    config.patience = 1;
    config.learningRate = 1e-9; // the model cannot change: validation never improves
    config.augmentation = Augmentation::none();
    Recorder recorder;
    const RunSummary summary = startRun(index, config, dir / "run", recorder);
    EXPECT_TRUE(summary.earlyStopped);
    EXPECT_EQ(summary.epochsRun, 2); // epoch 1 is the best, epoch 2 is stale
    EXPECT_EQ(summary.bestEpoch, 1);
    EXPECT_NE(test::readFile(dir / "run" / "log.txt").find("early stopping"), std::string::npos);
}

} // namespace
} // namespace cxr
