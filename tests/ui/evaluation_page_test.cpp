// SPDX-License-Identifier: MIT
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTableWidget>

#include <gtest/gtest.h>

#include "data/phantoms.h"
#include "eval/operating_point.h"
#include "evaluation_page.h"
#include "evaluation_runner.h"
#include "models/network.h"
#include "qcustomplot_include.h"
#include "support/test_support.h"
#include "weights/checkpoint.h"

namespace cxr {
namespace {

QString qpath(const std::filesystem::path &path) { return QString::fromStdString(path.string()); }

// An untrained four-class ResNet50 at 64 px and a phantom dataset to
// evaluate it on: enough for every number and curve to exist.
struct Fixture {
    test::TempDir dir;
    std::filesystem::path model = dir / "m.pt", data = dir / "data";
    Fixture() {
        Network network = makeNetwork(Architecture::ResNet50, 4);
        Preprocessing p;
        p.imageSize = 64;
        saveCheckpoint(model,
                       makeCheckpoint(*network, {"NORMAL", "BACTERIA", "VIRUS", "COVID19"}, p));
        PhantomOptions options;
        options.trainPerClass = 2;
        options.testPerClass = 6;
        options.size = 96;
        writePhantomDataset(data, options);
    }
};

TEST(EvaluationPage, ShowsIntervalsCurvesAndAMovableOperatingPointSavedIntoTheModel) {
    Fixture f;
    ui::EvaluationPage page;
    page.resize(1300, 850);
    page.show();
    QSignalSpy evaluated(&page, &ui::EvaluationPage::evaluated);
    QSignalSpy saved(&page, &ui::EvaluationPage::pointSaved);
    page.setDataset(qpath(f.data));
    page.setModel(qpath(f.model));
    auto *evaluate = page.findChild<QPushButton *>(QStringLiteral("evaluateButton"));
    ASSERT_NE(evaluate, nullptr);
    ASSERT_TRUE(evaluate->isEnabled());
    evaluate->click();
    EXPECT_FALSE(evaluate->isEnabled()); // busy: the work runs off the GUI thread
    ASSERT_TRUE(evaluated.wait(120000)) << page.message().toStdString();
    ASSERT_NE(page.evaluation(), nullptr);
    EXPECT_EQ(page.evaluation()->metrics.count, 24u);

    // The reliability plot gives each bin's number of images: all 24 in all.
    auto *reliability = page.findChild<QCustomPlot *>(QStringLiteral("reliabilityPlot"));
    ASSERT_NE(reliability, nullptr);
    int binned = 0;
    for (int i = 0; i < reliability->itemCount(); ++i)
        if (auto *label = qobject_cast<QCPItemText *>(reliability->item(i)))
            binned += label->text().toInt();
    EXPECT_EQ(binned, 24);

    // One row per class, each value with its interval.
    QTableWidget *table = page.classTable();
    ASSERT_EQ(table->rowCount(), 4);
    EXPECT_EQ(table->item(3, 0)->text(), QStringLiteral("COVID19"));
    EXPECT_TRUE(table->item(0, 1)->text().contains(QStringLiteral("–")))
        << table->item(0, 1)->text().toStdString();
    EXPECT_EQ(table->item(0, 7)->text(), QStringLiteral("6"));
    // The chance diagonal, four ROC curves and the operating point's marker.
    EXPECT_EQ(page.rocPlot()->plottableCount(), 6);

    // The slider moves the threshold; the counts follow.
    page.setOperatingClass(3);
    page.setThreshold(0.0);
    EXPECT_TRUE(page.operatingPointText().contains(QStringLiteral("sensitivity 1.000")))
        << page.operatingPointText().toStdString();
    page.setThreshold(1.0);
    const QString strict = page.operatingPointText();
    page.findChild<QSlider *>(QStringLiteral("thresholdSlider"))->setValue(0);
    EXPECT_NE(page.operatingPointText(), strict);

    // Saved into the model as a hand-set point for COVID19.
    page.setThreshold(0.25);
    page.saveOperatingPoint();
    ASSERT_TRUE(saved.wait(60000)) << page.message().toStdString();
    const auto points = operatingPointsFromMetadata(loadCheckpoint(f.model).metadataJson);
    ASSERT_EQ(points.size(), 1u);
    EXPECT_EQ(points[0].className, "COVID19");
    EXPECT_EQ(points[0].goal.goal, OperatingGoal::Manual);
    EXPECT_DOUBLE_EQ(points[0].threshold, 0.25);
    EXPECT_NE(points[0].fittedOn.find("test split"), std::string::npos);
}

TEST(EvaluationPage, ANonDatasetIsAMessageNotACrash) {
    Fixture f;
    ui::EvaluationPage page;
    QSignalSpy failed(page.runner(), &ui::EvaluationRunner::failed);
    page.setDataset(qpath(f.dir / "nowhere"));
    page.setModel(qpath(f.model));
    page.evaluate();
    ASSERT_TRUE(failed.wait(60000));
    EXPECT_TRUE(page.message().startsWith(QStringLiteral("Cannot evaluate")))
        << page.message().toStdString();
    EXPECT_EQ(page.evaluation(), nullptr);
}

// A second evaluation asked for while one runs replaces it: the first is
// cancelled and reports nothing, the second's result arrives alone.
TEST(EvaluationRunner, ASecondEvaluationReplacesTheFirst) {
    Fixture f;
    const std::filesystem::path second = f.dir / "second.pt";
    std::filesystem::copy_file(f.model, second);
    ui::EvaluationRunner runner;
    QSignalSpy evaluated(&runner, &ui::EvaluationRunner::evaluated);
    QSignalSpy cancelled(&runner, &ui::EvaluationRunner::cancelled);
    QSignalSpy failed(&runner, &ui::EvaluationRunner::failed);
    runner.evaluate(qpath(f.model), qpath(f.data), Split::Test);
    runner.evaluate(qpath(second), qpath(f.data), Split::Test);
    EXPECT_TRUE(runner.isEvaluating());
    ASSERT_TRUE(evaluated.wait(120000));
    EXPECT_FALSE(evaluated.wait(500)); // nothing more comes
    ASSERT_EQ(evaluated.count(), 1);
    EXPECT_EQ(evaluated.at(0).at(0).toString(), qpath(second));
    EXPECT_EQ(cancelled.count(), 0);
    EXPECT_EQ(failed.count(), 0);
}

} // namespace
} // namespace cxr
