// SPDX-License-Identifier: MIT
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "data/phantoms.h"
#include "modal_dialogs.h"
#include "qcustomplot_include.h"
#include "run_config_form.h"
#include "runs_table.h"
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
    // What the audit flagged ("Train without flagged images") stays out of the run.
    page.setExcluded({QStringLiteral("train/NORMAL/phantom_NORMAL_0000.png")});
    bool said = false;
    for (const QLabel *label : page.findChildren<QLabel *>())
        said |= label->text().contains(QStringLiteral("Leaving out <b>1</b> images"));
    EXPECT_TRUE(said) << "the page does not say what the run leaves out";
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
    const auto config = nlohmann::json::parse(test::readFile(dir / "run" / "config.json"));
    EXPECT_EQ(config["excluded"], nlohmann::json::array({"train/NORMAL/phantom_NORMAL_0000.png"}));
    EXPECT_NE(test::readFile(dir / "run" / "log.txt").find("left out 1 images of the 1 listed"),
              std::string::npos);

    // Write report… runs in the background and says where the file went.
    page.setOpenWrittenReports(false);
    QSignalSpy written(&page, &ui::TrainingPage::reportWritten);
    const QString out = QString::fromStdString((dir / "report.html").string());
    page.writeReport(QString::fromStdString((dir / "run").string()), out);
    ASSERT_TRUE(written.wait(60000));
    EXPECT_EQ(written.first().first().toString(), out);
    const std::string html = test::readFile(dir / "report.html");
    EXPECT_NE(html.find("<section id='examples'"), std::string::npos);
    EXPECT_NE(html.find("data:image/jpeg;base64,"), std::string::npos);
}

TEST_F(TrainingPageTest, PreferencesSetTheRunsThreadsAndWeightsCache) {
    QSettings().setValue(QStringLiteral("training/threads"), 1);
    QSettings().setValue(QStringLiteral("weights/cacheDir"),
                         QString::fromStdString((dir / "weights").string()));
    page.refreshPreferences();
    QSettings().remove(QStringLiteral("training"));
    QSettings().remove(QStringLiteral("weights"));
    auto *threads = page.findChild<QLabel *>(QStringLiteral("threads"));
    ASSERT_NE(threads, nullptr);
    EXPECT_TRUE(threads->text().startsWith(QStringLiteral("1 "))) << threads->text().toStdString();

    QSettings().setValue(QStringLiteral("training/threads"), 1);
    QSettings().setValue(QStringLiteral("weights/cacheDir"),
                         QString::fromStdString((dir / "weights").string()));
    page.setConfig(tinyConfig(1));
    page.setRunFolder(QString::fromStdString((dir / "run").string()));
    QSignalSpy finished(page.controller()->worker(), &ui::TrainingWorker::finished);
    page.start();
    QSettings().remove(QStringLiteral("training"));
    QSettings().remove(QStringLiteral("weights"));
    ASSERT_TRUE(finished.wait(120000));
    const TrainConfig stored = RunDirectory::readConfig(dir / "run");
    EXPECT_EQ(stored.threads, 1);
    EXPECT_EQ(stored.weightsCache, (dir / "weights").string());
}

TEST_F(TrainingPageTest, EditingAPresetsFieldMakesTheRunCustom) {
    auto *preset = page.findChild<QComboBox *>(QStringLiteral("preset"));
    auto *init = page.findChild<QComboBox *>(QStringLiteral("init"));
    auto *folder = page.findChild<QLineEdit *>(QStringLiteral("runFolder"));
    ASSERT_TRUE(preset && init && folder);
    page.form()->selectPreset(QStringLiteral("PRCW"));
    ASSERT_EQ(page.form()->preset(), QStringLiteral("PRCW"));
    EXPECT_TRUE(folder->text().endsWith(QStringLiteral("-prcw"))) << folder->text().toStdString();
    const TrainConfig before = page.config();
    EXPECT_EQ(before.preset, "PRCW");

    // Epochs and seed do not define a preset.
    TrainConfig longer = before;
    longer.epochs = 3;
    page.setConfig(longer);
    EXPECT_EQ(page.form()->preset(), QStringLiteral("PRCW"));

    init->setEditText(QStringLiteral("scratch")); // PRCW is ImageNet-initialised
    EXPECT_EQ(page.form()->preset(), QString());
    EXPECT_EQ(page.config().preset, "");
    EXPECT_EQ(page.config().init, "scratch");
    EXPECT_TRUE(folder->text().endsWith(QStringLiteral("-custom"))) << folder->text().toStdString();

    // A folder the user chose is never renamed.
    page.form()->selectPreset(QStringLiteral("PRCW"));
    page.setRunFolder(QString::fromStdString((dir / "mine").string()));
    init->setEditText(QStringLiteral("scratch"));
    EXPECT_EQ(folder->text(), QString::fromStdString((dir / "mine").string()));
}

TEST_F(TrainingPageTest, StopLeavesAResumableCheckpoint) {
    page.setConfig(tinyConfig(50));
    page.setRunFolder(QString::fromStdString((dir / "run").string()));
    ui::TrainingWorker *worker = page.controller()->worker();
    QSignalSpy epochs(worker, &ui::TrainingWorker::epochFinished);
    QSignalSpy cancelled(worker, &ui::TrainingWorker::cancelled);
    page.start();
    ASSERT_TRUE(epochs.wait(120000)); // one epoch done, the run goes on
    auto *speed = page.findChild<QLabel *>(QStringLiteral("speed"));
    ASSERT_NE(speed, nullptr);
    EXPECT_TRUE(speed->text().contains(QStringLiteral("ETA"))) << speed->text().toStdString();
    page.stop();
    ASSERT_TRUE(cancelled.wait(120000));
    EXPECT_FALSE(page.isTraining());
    EXPECT_TRUE(QTest::qWaitFor([speed] { return speed->text().isEmpty(); }, 5000))
        << "a rate and an ETA stayed after Stop: " << speed->text().toStdString();
    EXPECT_TRUE(std::filesystem::exists(dir / "run" / "last.pt"));
    const int batchesBefore = page.charts()->batchPoints();
    ASSERT_GT(batchesBefore, 0);
    ASSERT_EQ(page.charts()->confusionCellTexts().size(), 16);

    // Resume continues from there, keeping what the run showed before Stop
    // (batch losses, the matrix, the per-class table); stop again after one
    // more epoch.
    QSignalSpy more(worker, &ui::TrainingWorker::epochFinished);
    QSignalSpy batches(worker, &ui::TrainingWorker::batchProgress);
    page.resume();
    ASSERT_TRUE(batches.wait(120000));
    EXPECT_GT(page.charts()->batchPoints(), batchesBefore);
    EXPECT_EQ(page.charts()->confusionCellTexts().size(), 16);
    EXPECT_EQ(page.charts()->perClassTable()->rowCount(), 4);
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

// "Open run..." shows the whole run from its folder: curves, the latest
// confusion matrix with its counts, the per-class table, the log and the
// test result; a Start that fails on that folder leaves all of it.
TEST_F(TrainingPageTest, OpenRunShowsTheRunAndAFailedStartKeepsIt) {
    page.setConfig(tinyConfig(2));
    page.setRunFolder(QString::fromStdString((dir / "run").string()));
    QSignalSpy finished(page.controller()->worker(), &ui::TrainingWorker::finished);
    page.start();
    ASSERT_TRUE(finished.wait(120000));

    ui::TrainingPage other;
    other.setDataset(QString::fromStdString((dir / "data").string()));
    ASSERT_TRUE(other.openRunFolder(QString::fromStdString((dir / "run").string())));
    ASSERT_TRUE(QTest::qWaitFor([&] { return other.charts()->epochPoints() == 2; }, 10000));
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return other.charts()->confusionCellTexts().size() == 16; }, 10000));
    int counted = 0;
    for (const QString &text : other.charts()->confusionCellTexts())
        counted += text.toInt();
    const auto confusion = RunDirectory::readConfusion(dir / "run", "val");
    ASSERT_TRUE(confusion.has_value());
    std::size_t images = 0;
    for (const auto &row : confusion->counts)
        for (std::size_t n : row)
            images += n;
    EXPECT_EQ(static_cast<std::size_t>(counted), images);
    EXPECT_EQ(other.charts()->perClassTable()->rowCount(), 4);
    auto *progress = other.findChild<QProgressBar *>();
    ASSERT_NE(progress, nullptr);
    EXPECT_TRUE(progress->format().contains(QStringLiteral("test accuracy")))
        << progress->format().toStdString();

    ui::TrainingWorker *worker = other.controller()->worker();
    QSignalSpy failed(worker, &ui::TrainingWorker::failed);
    test::answerNextMessageBox(); // "the run folder is not empty"
    other.start();
    ASSERT_TRUE(failed.wait(120000));
    EXPECT_TRUE(failed.first().at(0).toString().contains(QStringLiteral("Resume")));
    EXPECT_EQ(other.charts()->epochPoints(), 2);
    EXPECT_EQ(other.charts()->confusionCellTexts().size(), 16);
}

// Past runs: a sortable table of the runs under a folder; ticked runs'
// curves are overlaid on the page's charts.
TEST_F(TrainingPageTest, ListsPastRunsAndOverlaysTheTickedOnes) {
    for (const char *name : {"r1", "r2", "r3"}) {
        const RunDirectory run = RunDirectory::create(dir / "runs" / name, tinyConfig(2));
        Metrics m;
        m.accuracy = 0.5;
        m.balancedAccuracy = name[1] == '2' ? 0.8 : 0.4;
        run.appendMetrics(1, "train", m, 1e-3, 1);
        run.appendMetrics(1, "val", m, 1e-3, 1);
    }
    ui::RunsTable *runs = page.runsTable();
    QSignalSpy refreshed(runs, &ui::RunsTable::refreshed);
    runs->setFolder(QString::fromStdString((dir / "runs").string()));
    ASSERT_TRUE(refreshed.wait(10000));
    QTableWidget *table = runs->table();
    ASSERT_EQ(table->rowCount(), 3);
    table->sortItems(5, Qt::DescendingOrder); // best validation balanced accuracy
    EXPECT_EQ(table->item(0, 0)->text(), QStringLiteral("r2"));
    EXPECT_TRUE(table->item(0, 5)->text().startsWith(QStringLiteral("0.800")));
    runs->setChecked(0, true);
    runs->setChecked(1, true);
    const int graphs = page.charts()->accuracyPlot()->graphCount();
    auto *compare = runs->findChild<QPushButton *>(QStringLiteral("compareRuns"));
    ASSERT_NE(compare, nullptr);
    compare->click();
    EXPECT_TRUE(QTest::qWaitFor(
        [&] { return page.charts()->accuracyPlot()->graphCount() == graphs + 2; }, 10000))
        << page.charts()->accuracyPlot()->graphCount();
}

TEST(TrainingCharts, MatrixCellsAreWholeAndTheRateHasAFittedAxis) {
    ui::TrainingCharts charts;
    EpochReport report;
    report.epoch = 1;
    report.epochs = 20;
    report.learningRate = 1e-3;
    report.classes = {"NORMAL", "BACTERIA", "VIRUS", "COVID19"};
    report.train = metricsFromConfusion({{5, 1, 0, 0}, {0, 4, 2, 0}, {1, 0, 3, 0}, {0, 0, 0, 2}});
    charts.addEpoch(report);
    const QStringList cells = charts.confusionCellTexts();
    ASSERT_EQ(cells.size(), 16);
    EXPECT_EQ(cells[0], QStringLiteral("5"));
    EXPECT_EQ(cells[6], QStringLiteral("2")); // true BACTERIA, predicted VIRUS
    // Half a cell of room around the first and last cells.
    EXPECT_DOUBLE_EQ(charts.confusionPlot()->xAxis->range().lower, -0.5);
    EXPECT_DOUBLE_EQ(charts.confusionPlot()->xAxis->range().upper, 3.5);
    EXPECT_DOUBLE_EQ(charts.confusionPlot()->yAxis->range().upper, 3.5);
    QCPAxis *rate = charts.learningRatePlot()->yAxis;
    EXPECT_LT(rate->range().lower, 1e-3);
    EXPECT_GT(rate->range().upper, 1e-3);
    EXPECT_GT(rate->range().lower, 1e-4); // fitted, not from zero
    EXPECT_LT(rate->range().upper, 1e-2);
    // The legend sits below the axes, not over the curves.
    EXPECT_EQ(charts.accuracyPlot()->axisRect()->insetLayout()->elementCount(), 0);
    EXPECT_EQ(charts.perClassTable()->item(1, 0)->text(), QStringLiteral("BACTERIA"));
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
