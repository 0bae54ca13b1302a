// SPDX-License-Identifier: MIT
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "data/phantoms.h"
#include "modal_dialogs.h"
#include "support/test_support.h"
#include "train/run_directory.h"
#include "training_charts.h"
#include "training_controller.h"
#include "training_page.h"
#include "weights/checkpoint.h"

namespace cxr {
namespace {

TrainConfig tinyConfig(int epochs) {
    TrainConfig config;
    config.init = "scratch";
    config.epochs = epochs;
    config.imageSize = 32;
    config.batchSize = 8;
    config.valFraction = 0.25;
    return config;
}

class TrainingPageTest : public ::testing::Test {
  protected:
    void SetUp() override {
        writePhantomDataset(dir / "data", PhantomOptions{6, 2, 48}); // train, test per class; px
        page.setDataset(QString::fromStdString((dir / "data").string()));
    }
    test::TempDir dir;
    ui::TrainingPage page;
};

TEST_F(TrainingPageTest, RunsInTheWorkerAndPlotsEachEpoch) {
    page.setConfig(tinyConfig(2));
    page.setRunFolder(QString::fromStdString((dir / "run").string()));
    ui::TrainingWorker *worker = page.controller()->worker();
    QSignalSpy epochs(worker, &ui::TrainingWorker::epochFinished);
    QSignalSpy batches(worker, &ui::TrainingWorker::batchProgress);
    QSignalSpy finished(worker, &ui::TrainingWorker::finished);
    page.start();
    EXPECT_TRUE(page.isTraining());
    ASSERT_TRUE(finished.wait(120000));
    EXPECT_EQ(epochs.count(), 2);
    EXPECT_GE(batches.count(), 2);
    EXPECT_EQ(page.charts()->epochPoints(), 2);
    EXPECT_FALSE(page.isTraining());
    EXPECT_TRUE(std::filesystem::exists(dir / "run" / "best.pt"));
}

TEST_F(TrainingPageTest, StopLeavesAResumableCheckpoint) {
    page.setConfig(tinyConfig(50));
    page.setRunFolder(QString::fromStdString((dir / "run").string()));
    ui::TrainingWorker *worker = page.controller()->worker();
    QSignalSpy epochs(worker, &ui::TrainingWorker::epochFinished);
    QSignalSpy cancelled(worker, &ui::TrainingWorker::cancelled);
    page.start();
    ASSERT_TRUE(epochs.wait(120000)); // one epoch done, the run goes on
    page.stop();
    ASSERT_TRUE(cancelled.wait(120000));
    EXPECT_FALSE(page.isTraining());
    EXPECT_TRUE(std::filesystem::exists(dir / "run" / "last.pt"));

    // Resume continues from there; stop again after one more epoch.
    QSignalSpy more(worker, &ui::TrainingWorker::epochFinished);
    page.resume();
    ASSERT_TRUE(more.wait(120000));
    page.stop();
    ASSERT_TRUE(cancelled.wait(120000));
    EXPECT_GE(page.charts()->epochPoints(), 2); // the earlier epoch was reloaded, then extended
}

// Resume continues a run with the settings it started with: after "Open
// run..." and an edited form, the resumed epochs still use the run's own
// seed and task (the form's are set aside, and it shows the run's again).
TEST_F(TrainingPageTest, ResumeAfterOpenRunKeepsTheRunsSettings) {
    TrainConfig original = tinyConfig(50);
    original.seed = 5;
    page.setConfig(original);
    page.setRunFolder(QString::fromStdString((dir / "run").string()));
    ui::TrainingWorker *worker = page.controller()->worker();
    QSignalSpy epochs(worker, &ui::TrainingWorker::epochFinished);
    QSignalSpy cancelled(worker, &ui::TrainingWorker::cancelled);
    page.start();
    ASSERT_TRUE(epochs.wait(120000));
    page.stop();
    ASSERT_TRUE(cancelled.wait(120000));

    ui::TrainingPage other;
    other.setDataset(QString::fromStdString((dir / "data").string()));
    ASSERT_TRUE(other.openRunFolder(QString::fromStdString((dir / "run").string())));
    EXPECT_EQ(other.config().seed, 5u); // the form shows the run
    TrainConfig edited = other.config();
    edited.seed = 99;
    edited.task = Task::NormalVsPneumonia;
    other.setConfig(edited);
    ui::TrainingWorker *otherWorker = other.controller()->worker();
    QSignalSpy more(otherWorker, &ui::TrainingWorker::epochFinished);
    QSignalSpy stopped(otherWorker, &ui::TrainingWorker::cancelled);
    test::answerNextMessageBox(); // the notice naming the edited fields
    other.resume();
    ASSERT_TRUE(more.wait(120000));
    other.stop();
    ASSERT_TRUE(stopped.wait(120000));
    EXPECT_EQ(other.config().seed, 5u);
    EXPECT_EQ(other.config().task, Task::FourClass);
    const Checkpoint last = loadCheckpoint(dir / "run" / "last.pt");
    const auto metadata = nlohmann::json::parse(last.metadataJson);
    EXPECT_EQ(metadata["config"]["seed"], 5);
    EXPECT_EQ(metadata["config"]["task"], "4class");
    EXPECT_EQ(last.classes.size(), 4u);
}

// A run another process writes (a CLI or torchrun job): the page follows
// it, epoch by epoch, without being the trainer.
TEST_F(TrainingPageTest, FollowsARunAnotherProcessWrites) {
    const RunDirectory run = RunDirectory::create(dir / "other", tinyConfig(3));
    Metrics m;
    m.accuracy = 0.5;
    run.appendMetrics(1, "train", m, 1e-3, 1);
    ASSERT_TRUE(page.openRunFolder(QString::fromStdString((dir / "other").string())));
    EXPECT_TRUE(QTest::qWaitFor([&] { return page.charts()->epochPoints() == 1; }, 10000));
    run.appendMetrics(2, "train", m, 1e-3, 1);
    run.appendMetrics(3, "train", m, 1e-3, 1);
    run.log("epoch 3/3 from elsewhere");
    EXPECT_TRUE(QTest::qWaitFor([&] { return page.charts()->epochPoints() == 3; }, 10000))
        << page.charts()->epochPoints();
    EXPECT_FALSE(page.isTraining());
}

TEST_F(TrainingPageTest, PresetFillsTheForm) {
    TrainConfig c = *presetConfig("PDCXFL");
    c.chexnetWeights = "/somewhere/model.pth.tar";
    page.setConfig(c);
    const TrainConfig back = page.config();
    EXPECT_EQ(back.arch, Architecture::DenseNet121);
    EXPECT_EQ(back.loss.kind, LossKind::Focal);
}

} // namespace
} // namespace cxr
