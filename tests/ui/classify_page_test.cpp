// SPDX-License-Identifier: MIT
#include <QApplication>
#include <QComboBox>
#include <QDropEvent>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>
#include <QUrl>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "classify_page.h"
#include "classify_runner.h"
#include "data/phantoms.h"
#include "image_table.h"
#include "image_viewer.h"
#include "infer/classifier.h"
#include "support/test_support.h"
#include "weights/checkpoint.h"

namespace cxr {
namespace {

void drop(QWidget *target, const QList<QUrl> &urls) {
    QMimeData data;
    data.setUrls(urls);
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    QDropEvent event(QPointF(10, 10), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &event);
}

// A ResNet50 model file with `classes` at `imageSize` px, untrained.
std::filesystem::path writeModel(const std::filesystem::path &file,
                                 const std::vector<std::string> &classes,
                                 int imageSize = 64) {
    Network network = makeNetwork(Architecture::ResNet50, static_cast<int>(classes.size()));
    Preprocessing p;
    p.imageSize = imageSize;
    saveCheckpoint(file, makeCheckpoint(*network, classes, p));
    return file;
}

QString qpath(const std::filesystem::path &path) { return QString::fromStdString(path.string()); }

// Explaining with every mirror image and 4 x 4 shifts at 224 px takes 64
// network passes: seconds, long enough to load another model meanwhile.
void askForTheSlowestExplanation(ui::ClassifyPage &page) {
    auto *smoothing = page.findChild<QComboBox *>(QStringLiteral("smoothing"));
    auto *shifts = page.findChild<QComboBox *>(QStringLiteral("shifts"));
    ASSERT_TRUE(smoothing && shifts);
    smoothing->blockSignals(true);
    smoothing->setCurrentIndex(smoothing->findData(QStringLiteral("flips")));
    smoothing->blockSignals(false);
    shifts->setCurrentIndex(shifts->findData(4)); // asks for the explanation
}

TEST(ClassifyPage, AResultIsReadWithItsOwnModelsClassNames) {
    test::TempDir dir;
    test::writeImage(dir / "xray.png", renderPhantom("VIRUS", 160, 5).image);
    const std::vector<std::string> four{"NORMAL", "BACTERIA", "VIRUS", "COVID19"};
    const std::vector<std::string> two{"TB", "HEALTHY"};
    writeModel(dir / "four.pt", four, 224);
    writeModel(dir / "two.pt", two);

    ui::ClassifyPage page;
    page.resize(1200, 800);
    QSignalSpy loaded(&page, &ui::ClassifyPage::modelLoaded);
    QSignalSpy shown(&page, &ui::ClassifyPage::imageShown);
    QSignalSpy progress(page.runner(), &ui::ClassifyRunner::progress);
    page.loadModel(qpath(dir / "four.pt"));
    ASSERT_TRUE(loaded.wait(60000));
    page.addImages({qpath(dir / "xray.png")});
    ASSERT_TRUE(shown.wait(60000));
    EXPECT_EQ(page.shownClasses(), four);
    EXPECT_EQ(page.probabilities().size(), 4u);

    // While the slow explanation by the four-class model runs, a
    // two-class model is loaded: whatever is shown is read with the class
    // names of the model that made it, never the other's.
    shown.clear();
    askForTheSlowestExplanation(page);
    ASSERT_TRUE(progress.wait(60000));
    page.loadModel(qpath(dir / "two.pt"));
    ASSERT_TRUE(loaded.wait(60000));
    while (page.runner()->isClassifying() || shown.isEmpty())
        ASSERT_TRUE(shown.wait(120000));
    const std::vector<std::string> classes = page.shownClasses();
    ASSERT_EQ(page.probabilities().size(), classes.size());
    EXPECT_EQ(classes, two); // the newest model explains the image in the end
    bool named = false;
    for (const std::string &c : classes)
        named = named || page.message().contains(QString::fromStdString(c));
    EXPECT_TRUE(named) << page.message().toStdString();
    // The table shows the image's prediction by the new model.
    ui::ImageTable *table = page.imageTable();
    ASSERT_TRUE(QTest::qWaitFor([table] { return table->predictedCount() == 1; }, 60000));
    const QString predicted = table->item(0, 1)->text();
    EXPECT_TRUE(predicted == QStringLiteral("TB") || predicted == QStringLiteral("HEALTHY"))
        << predicted.toStdString();
}

TEST(ClassifyPage, ALongExplanationShowsProgressAndCanBeCancelled) {
    test::TempDir dir;
    test::writeImage(dir / "xray.png", renderPhantom("NORMAL", 160, 2).image);
    writeModel(dir / "m.pt", {"NORMAL", "PNEUMONIA"}, 224);
    ui::ClassifyPage page;
    page.resize(1200, 800);
    page.show();
    QSignalSpy loaded(&page, &ui::ClassifyPage::modelLoaded);
    QSignalSpy shown(&page, &ui::ClassifyPage::imageShown);
    page.loadModel(qpath(dir / "m.pt"));
    ASSERT_TRUE(loaded.wait(60000));
    page.addImages({qpath(dir / "xray.png")});
    ASSERT_TRUE(shown.wait(60000));

    QSignalSpy progress(page.runner(), &ui::ClassifyRunner::progress);
    QSignalSpy cancelled(page.runner(), &ui::ClassifyRunner::cancelled);
    askForTheSlowestExplanation(page);
    ASSERT_TRUE(progress.wait(60000));
    // Every pass is counted: the image as it is, then 4 mirror images x 16
    // shifts (none of which is the image as it is).
    EXPECT_EQ(progress.last().at(1).toInt(), 65);
    auto *bar = page.findChild<QProgressBar *>(QStringLiteral("explainProgress"));
    auto *cancel = page.findChild<QPushButton *>(QStringLiteral("cancelExplain"));
    ASSERT_TRUE(bar && cancel);
    EXPECT_TRUE(bar->isVisible());
    ASSERT_TRUE(cancel->isVisible());
    cancel->click();
    ASSERT_TRUE(cancelled.wait(60000));
    EXPECT_LT(progress.last().at(0).toInt(), 65) << "the explanation ran to its end";
    EXPECT_FALSE(cancel->isVisible());
    EXPECT_TRUE(page.message().contains(QStringLiteral("Cancelled")))
        << page.message().toStdString();
    EXPECT_FALSE(page.runner()->isClassifying());
}

// A dropped folder fills a sortable table, every image is classified in
// the background, and the table exports as the CSV `cxr predict` writes.
TEST(ClassifyPage, ClassifiesAFolderIntoATableThatExportsAsCsv) {
    test::TempDir dir;
    const char *classes[] = {"NORMAL", "BACTERIA", "VIRUS", "COVID19"};
    for (int i = 0; i < 6; ++i)
        test::writeImage(dir / "folder" / ("x" + std::to_string(i) + ".png"),
                         renderPhantom(classes[i % 4], 96, static_cast<std::uint64_t>(i)).image);
    test::writeImage(dir / "folder" / "icon.png", test::gradientImage(16, 16)); // not an X-ray
    test::writeFile(dir / "folder" / "notes.txt", "not an image");
    writeModel(dir / "m.pt", {"NORMAL", "BACTERIA", "VIRUS", "COVID19"});
    ui::ClassifyPage page;
    page.resize(1200, 800);
    QSignalSpy loaded(&page, &ui::ClassifyPage::modelLoaded);
    QSignalSpy done(&page, &ui::ClassifyPage::tableClassified);
    page.loadModel(qpath(dir / "m.pt"));
    ASSERT_TRUE(loaded.wait(60000));
    drop(&page, {QUrl::fromLocalFile(qpath(dir / "folder"))});
    ui::ImageTable *table = page.imageTable();
    ASSERT_EQ(table->rowCount(), 7);
    ASSERT_TRUE(done.wait(120000));
    EXPECT_EQ(table->predictedCount(), 7);
    ASSERT_EQ(table->columnCount(), 3 + 4); // image, predicted, p, one column per class
    // Sorting by the top probability orders the rows by it.
    table->sortItems(2, Qt::DescendingOrder);
    for (int row = 1; row < table->rowCount(); ++row)
        EXPECT_GE(table->item(row - 1, 2)->data(Qt::UserRole).toDouble(),
                  table->item(row, 2)->data(Qt::UserRole).toDouble());
    // The icon is classified all the same, but marked and greyed, with the
    // reason in its tooltip.
    const int icon = table->rowOf(qpath(dir / "folder" / "icon.png"));
    ASSERT_GE(icon, 0);
    EXPECT_TRUE(table->item(icon, 1)->text().contains(QStringLiteral("unlike training")))
        << table->item(icon, 1)->text().toStdString();
    EXPECT_TRUE(table->item(icon, 1)->toolTip().contains(QStringLiteral("16 x 16")));
    table->exportCsv(qpath(dir / "table.csv"));
    const std::string csv = test::readFile(dir / "table.csv");
    EXPECT_EQ(csv.substr(0, csv.find('\n')),
              "image,label,p_NORMAL,p_BACTERIA,p_VIRUS,p_COVID19,in_distribution,ood_score,"
              "warnings");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 8);
    EXPECT_NE(csv.find(",no,,\"the image is 16 x 16 pixels, far smaller"), std::string::npos)
        << csv;
    // Removing a row takes it out of the table and the export.
    table->selectRow(0);
    table->removeSelected();
    EXPECT_EQ(table->rowCount(), 6);
}

TEST(ClassifyRunner, TheNewestModelRequestWins) {
    test::TempDir dir;
    writeModel(dir / "a.pt", {"A1", "A2"});
    writeModel(dir / "b.pt", {"B1", "B2", "B3"});
    ui::ClassifyRunner runner;
    QSignalSpy loaded(&runner, &ui::ClassifyRunner::modelLoaded);
    runner.loadModel(qpath(dir / "a.pt"));
    runner.loadModel(qpath(dir / "b.pt")); // returns at once; a.pt is superseded
    ASSERT_TRUE(loaded.wait(60000));
    QTest::qWait(200);
    ASSERT_EQ(loaded.count(), 1);
    EXPECT_EQ(loaded.first().at(0).toString(), qpath(dir / "b.pt"));
    EXPECT_EQ(runner.classifier()->classes().size(), 3u);
}

TEST(ClassifyPage, DefaultColormapComesFromPreferences) {
    QSettings().setValue(QStringLiteral("classify/colormap"), QStringLiteral("inferno"));
    ui::ClassifyPage page;
    QSettings().remove(QStringLiteral("classify/colormap"));
    auto *colormap = page.findChild<QComboBox *>(QStringLiteral("colormap"));
    ASSERT_NE(colormap, nullptr);
    EXPECT_EQ(colormap->currentText(), QStringLiteral("inferno"));
}

TEST(ClassifyPage, DroppedImageGetsProbabilitiesAndOverlayTextFileGetsAMessage) {
    test::TempDir dir;
    const PhantomImage phantom = renderPhantom("BACTERIA", 96, 3);
    test::writeImage(dir / "xray.png", phantom.image);
    test::writeFile(dir / "notes.txt", "not an image at all");
    Network network = makeNetwork(Architecture::ResNet50, 4);
    Preprocessing p;
    p.imageSize = 64;
    saveCheckpoint(dir / "m.pt",
                   makeCheckpoint(*network, {"NORMAL", "BACTERIA", "VIRUS", "COVID19"}, p));

    ui::ClassifyPage page;
    page.resize(1200, 800);
    QSignalSpy loaded(&page, &ui::ClassifyPage::modelLoaded);
    QSignalSpy shown(&page, &ui::ClassifyPage::imageShown);
    page.loadModel(QString::fromStdString((dir / "m.pt").string()));
    ASSERT_TRUE(loaded.wait(60000));
    ASSERT_TRUE(page.hasModel());

    drop(&page, {QUrl::fromLocalFile(QString::fromStdString((dir / "xray.png").string()))});
    ASSERT_TRUE(shown.wait(60000));
    const auto probabilities = page.probabilities();
    ASSERT_EQ(probabilities.size(), 4u);
    double sum = 0;
    for (float v : probabilities)
        sum += v;
    EXPECT_NEAR(sum, 1.0, 1e-4);
    const QImage composed = page.viewer()->composedImage();
    EXPECT_EQ(composed.size(), QSize(96, 96));
    // The overlay colours the grey X-ray: some pixel is far from grey.
    int coloured = 0;
    for (int y = 0; y < composed.height(); ++y)
        for (int x = 0; x < composed.width(); ++x) {
            const QColor c = composed.pixelColor(x, y);
            coloured += std::abs(c.red() - c.blue()) > 30;
        }
    EXPECT_GT(coloured, 0);

    // Choosing a smoothing explains the image again, with another heatmap.
    auto *smoothing = page.findChild<QComboBox *>(QStringLiteral("smoothing"));
    ASSERT_NE(smoothing, nullptr);
    ASSERT_EQ(smoothing->count(), 3);
    smoothing->setCurrentIndex(smoothing->findData(QStringLiteral("flips")));
    ASSERT_TRUE(shown.wait(60000));
    const QImage smoothed = page.viewer()->composedImage();
    EXPECT_NE(smoothed, composed);
    // So do sub-cell shifts.
    auto *shifts = page.findChild<QComboBox *>(QStringLiteral("shifts"));
    ASSERT_NE(shifts, nullptr);
    ASSERT_EQ(shifts->count(), 3);
    shifts->setCurrentIndex(shifts->findData(2));
    ASSERT_TRUE(shown.wait(60000));
    EXPECT_NE(page.viewer()->composedImage(), smoothed);

    drop(&page, {QUrl::fromLocalFile(QString::fromStdString((dir / "notes.txt").string()))});
    ASSERT_TRUE(shown.wait(60000));
    EXPECT_TRUE(page.message().contains(QStringLiteral("notes.txt")))
        << page.message().toStdString();
    EXPECT_TRUE(page.message().contains(QStringLiteral("not a PNG")))
        << page.message().toStdString();
}

TEST(ClassifyPage, BadModelFileIsAMessage) {
    test::TempDir dir;
    test::writeFile(dir / "junk.pt", "junk");
    ui::ClassifyPage page;
    QSignalSpy status(&page, &ui::ClassifyPage::statusMessage);
    page.loadModel(QString::fromStdString((dir / "junk.pt").string()));
    for (int i = 0; i < 100 && !page.message().contains(QStringLiteral("Could not load")); ++i)
        status.wait(200);
    EXPECT_TRUE(page.message().contains(QStringLiteral("junk.pt"))) << page.message().toStdString();
    EXPECT_FALSE(page.hasModel());
}

// Window and level read in the file's units (0-255 for an 8-bit PNG), and
// an exported overlay carries the prediction, the method and a colour bar.
TEST(ClassifyPage, SpeaksTheFilesUnitsAndExportsAnAnnotatedOverlay) {
    test::TempDir dir;
    test::writeImage(dir / "xray.png", renderPhantom("VIRUS", 200, 4).image);
    writeModel(dir / "m.pt", {"NORMAL", "BACTERIA", "VIRUS", "COVID19"});
    ui::ClassifyPage page;
    page.resize(1200, 800);
    QSignalSpy loaded(&page, &ui::ClassifyPage::modelLoaded);
    QSignalSpy shown(&page, &ui::ClassifyPage::imageShown);
    page.loadModel(qpath(dir / "m.pt"));
    ASSERT_TRUE(loaded.wait(60000));
    page.addImages({qpath(dir / "xray.png")});
    ASSERT_TRUE(shown.wait(60000));
    EXPECT_TRUE(page.viewer()->statusText().startsWith(QStringLiteral("W 255  L 128")))
        << page.viewer()->statusText().toStdString();
    auto *info = page.findChild<QLabel *>(QStringLiteral("imageInfo"));
    ASSERT_NE(info, nullptr);
    EXPECT_TRUE(info->text().contains(QStringLiteral("200 × 200 px")))
        << info->text().toStdString();

    ASSERT_TRUE(page.exportOverlayTo(qpath(dir / "out.png")));
    const cv::Mat exported = cv::imread((dir / "out.png").string(), cv::IMREAD_COLOR);
    ASSERT_EQ(exported.size(), cv::Size(200, 200));
    // The legend band darkens the top (its first rows, above the text); the
    // colour bar is saturated colour.
    const QImage composed =
        page.viewer()->composedImage().convertToFormat(QImage::Format_Grayscale8);
    double onScreen = 0, written = 0;
    cv::Mat exportedGray;
    cv::cvtColor(exported, exportedGray, cv::COLOR_BGR2GRAY);
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 200; ++x) {
            onScreen += qGray(composed.pixel(x, y));
            written += exportedGray.at<uchar>(y, x);
        }
    EXPECT_LT(written, onScreen * 0.5 + 800) << written << " against " << onScreen;
    int saturated = 0;
    for (int y = 60; y < 140; ++y)
        for (int x = 150; x < 200; ++x) {
            const cv::Vec3b c = exported.at<cv::Vec3b>(y, x);
            saturated += std::max({c[0], c[1], c[2]}) - std::min({c[0], c[1], c[2]}) > 150;
        }
    EXPECT_GT(saturated, 40);
    EXPECT_FALSE(page.exportOverlayTo(qpath(dir / "no-such-folder" / "out.png")));
    EXPECT_TRUE(page.message().contains(QStringLiteral("no-such-folder")))
        << page.message().toStdString();
}

TEST(ImageViewer, WindowLevelAndInvert) {
    ui::ImageViewer viewer;
    cv::Mat gray(4, 4, CV_32FC1, cv::Scalar(0.25));
    viewer.setImage(gray);
    EXPECT_EQ(viewer.composedImage().pixelColor(0, 0).red(), 64);
    viewer.setInverted(true);
    EXPECT_EQ(viewer.composedImage().pixelColor(0, 0).red(), 191);
}

} // namespace
} // namespace cxr
