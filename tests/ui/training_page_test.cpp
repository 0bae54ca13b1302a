// SPDX-License-Identifier: MIT
#include <QSignalSpy>

#include <gtest/gtest.h>

#include "data/phantoms.h"
#include "support/test_support.h"
#include "training_charts.h"
#include "training_controller.h"
#include "training_page.h"

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
