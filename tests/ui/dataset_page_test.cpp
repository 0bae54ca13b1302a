// SPDX-License-Identifier: MIT
#include <QAbstractItemModel>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QSignalSpy>
#include <QTableView>
#include <chrono>

#include <gtest/gtest.h>

#include "class_distribution_plot.h"
#include "data/dataset_scan.h"
#include "dataset_page.h"
#include "image_browser.h"
#include "main_window.h"
#include "qcustomplot_include.h"
#include "support/test_support.h"
#include "thumbnail_cache.h"
#include "thumbnail_model.h"

namespace cxr {
namespace {

// The table view whose model has `columns` header labels, found by header.
QAbstractItemModel *findModel(QWidget *root, const QString &firstHeader) {
    for (QTableView *view : root->findChildren<QTableView *>())
        if (view->model() && view->model()->columnCount() > 0 &&
            view->model()->headerData(0, Qt::Horizontal).toString() == firstHeader)
            return view->model();
    return nullptr;
}

TEST(DatasetPage, ShowsTheRealSampleCounts) {
    CXR_REQUIRE_SHARED_DATA("cxr-sample");
    ui::DatasetPage page;
    QSignalSpy loaded(&page, &ui::DatasetPage::datasetLoaded);
    page.openDataset(QString::fromStdString((test::sharedData() / "cxr-sample").string()));
    ASSERT_TRUE(loaded.wait(20000));
    const QAbstractItemModel *counts = findModel(&page, QStringLiteral("train"));
    ASSERT_NE(counts, nullptr);
    EXPECT_EQ(counts->rowCount(), 5);    // four classes + total
    EXPECT_EQ(counts->columnCount(), 3); // train, test, total
    EXPECT_EQ(counts->headerData(3, Qt::Vertical).toString(), "COVID19");
    EXPECT_EQ(counts->data(counts->index(0, 0)).toString(), "30");
    EXPECT_EQ(counts->data(counts->index(4, 2)).toString(), "160");
    const QAbstractItemModel *rejected = findModel(&page, QStringLiteral("file"));
    ASSERT_NE(rejected, nullptr);
    EXPECT_EQ(rejected->rowCount(), 0);
}

TEST(DatasetPage, BrowsesFiltersAndPreviewsTheRealSample) {
    CXR_REQUIRE_SHARED_DATA("cxr-sample");
    ui::DatasetPage page;
    page.resize(1200, 800);
    QSignalSpy loaded(&page, &ui::DatasetPage::datasetLoaded);
    page.openDataset(QString::fromStdString((test::sharedData() / "cxr-sample").string()));
    ASSERT_TRUE(loaded.wait(20000));
    ui::ImageBrowser *browser = page.browser();
    ui::ThumbnailModel *model = browser->model();
    EXPECT_EQ(model->rowCount(), 160); // every image is in the view

    auto *classes = browser->findChild<QComboBox *>(QStringLiteral("classFilter"));
    auto *splits = browser->findChild<QComboBox *>(QStringLiteral("splitFilter"));
    auto *search = browser->findChild<QLineEdit *>(QStringLiteral("search"));
    ASSERT_TRUE(classes && splits && search);
    classes->setCurrentText(QStringLiteral("COVID19"));
    EXPECT_EQ(model->rowCount(), 40);
    splits->setCurrentText(QStringLiteral("test"));
    EXPECT_EQ(model->rowCount(), 10);
    classes->setCurrentIndex(0); // all classes
    splits->setCurrentIndex(0);
    search->setText(QStringLiteral("IM-0178"));
    ASSERT_EQ(model->rowCount(), 1);

    // Thumbnails load in the background and arrive for the asked rows.
    QSignalSpy thumbnail(model, &ui::ThumbnailModel::thumbnailReady);
    model->data(model->index(0), Qt::DecorationRole);
    ASSERT_TRUE(thumbnail.wait(10000));
    EXPECT_TRUE(model->thumbnailLoaded(0));

    QSignalSpy preview(browser, &ui::ImageBrowser::previewShown);
    browser->view()->setCurrentIndex(model->index(0));
    ASSERT_TRUE(preview.wait(10000));
    const QString metadata = browser->metadataText();
    EXPECT_TRUE(metadata.contains(QStringLiteral("kermany_IM-0178-0001.png")))
        << metadata.toStdString();
    EXPECT_TRUE(metadata.contains(QStringLiteral("NORMAL"))) << metadata.toStdString();
    EXPECT_TRUE(metadata.contains(QStringLiteral("8-bit"))) << metadata.toStdString();
    EXPECT_TRUE(metadata.contains(QStringLiteral("IM-0178"))) << metadata.toStdString();

    // A filter that hides the image on show empties the preview; so does
    // opening another dataset.
    ASSERT_TRUE(browser->shownSample().has_value());
    search->setText(QStringLiteral("person"));
    EXPECT_FALSE(browser->shownSample().has_value());
    EXPECT_TRUE(browser->metadataText().isEmpty());
    search->clear();
    browser->view()->setCurrentIndex(model->index(3));
    ASSERT_TRUE(preview.wait(10000));
    ASSERT_TRUE(browser->shownSample().has_value());
    test::TempDir other;
    test::writeImage(other / "train/NORMAL/a.png", test::gradientImage(8, 8));
    page.openDataset(QString::fromStdString(other.path().string()));
    ASSERT_TRUE(loaded.wait(20000));
    EXPECT_FALSE(browser->shownSample().has_value());
    EXPECT_TRUE(browser->metadataText().isEmpty());
}

TEST(DatasetPage, ListsRejectsAndReportsFailures) {
    test::TempDir dir;
    test::writeImage(dir / "train/NORMAL/a.png", test::gradientImage(8, 8));
    test::writeFile(dir / "train/NORMAL/b.png", "text, not an image");
    ui::DatasetPage page;
    QSignalSpy loaded(&page, &ui::DatasetPage::datasetLoaded);
    page.openDataset(QString::fromStdString(dir.path().string()));
    ASSERT_TRUE(loaded.wait(10000));
    const QAbstractItemModel *rejected = findModel(&page, QStringLiteral("file"));
    ASSERT_NE(rejected, nullptr);
    ASSERT_EQ(rejected->rowCount(), 1);
    EXPECT_EQ(rejected->data(rejected->index(0, 0)).toString(), "train/NORMAL/b.png");

    // A path that is not a dataset: a message on the page, no crash, and
    // the open dataset stays on show, title included.
    auto *title = page.findChild<QLabel *>(QStringLiteral("title"));
    ASSERT_NE(title, nullptr);
    const QString before = title->text();
    QSignalSpy status(&page, &ui::DatasetPage::statusMessage);
    page.openDataset(QString::fromStdString((dir / "nowhere").string()));
    ASSERT_TRUE(status.wait(10000));
    bool explained = false;
    for (QLabel *label : page.findChildren<QLabel *>())
        explained |= label->text().contains(QStringLiteral("no such file or folder"));
    EXPECT_TRUE(explained);
    EXPECT_EQ(title->text(), before);
    EXPECT_EQ(page.browser()->model()->rowCount(), 1);
}

// A folder and files named in other scripts, given as a QString the way a
// file dialog or a drop gives it: indexed, browsed and previewed by name.
TEST(DatasetPage, OpensNonAsciiPaths) {
    test::TempDir dir;
    const std::filesystem::path root = dir / u8"radiographies thoraciques é";
    test::writeImage(root / u8"train/NORMAL/poumon clair 1.png", test::gradientImage(12, 12));
    test::writeImage(root / u8"train/VIRUS/胸部 2.png", test::gradientImage(12, 12));
    test::writeFile(root / u8"train/VIRUS/cassé.png", "not an image");
    ui::DatasetPage page;
    QSignalSpy loaded(&page, &ui::DatasetPage::datasetLoaded);
    page.openDataset(QString::fromUtf8(root.string().c_str()));
    ASSERT_TRUE(loaded.wait(10000));
    ui::ThumbnailModel *model = page.browser()->model();
    ASSERT_EQ(model->rowCount(), 2);
    const QAbstractItemModel *rejected = findModel(&page, QStringLiteral("file"));
    ASSERT_NE(rejected, nullptr);
    ASSERT_EQ(rejected->rowCount(), 1);
    EXPECT_EQ(rejected->data(rejected->index(0, 0)).toString(),
              QString::fromUtf8(u8"train/VIRUS/cassé.png"));

    QSignalSpy preview(page.browser(), &ui::ImageBrowser::previewShown);
    for (int row = 0; row < model->rowCount(); ++row)
        if (model->data(model->index(row), Qt::DisplayRole).toString() ==
            QString::fromUtf8(u8"胸部 2.png"))
            page.browser()->view()->setCurrentIndex(model->index(row));
    ASSERT_TRUE(preview.wait(10000));
    EXPECT_TRUE(page.browser()->metadataText().contains(QString::fromUtf8(u8"胸部 2.png")))
        << page.browser()->metadataText().toStdString();
    EXPECT_FALSE(page.browser()->metadataText().contains(QStringLiteral("cannot decode")));
}

TEST(MainWindow, OpensTheDemoDatasetWritingItFirst) {
    test::TempDir dir;
    ui::MainWindow window;
    QSignalSpy loaded(window.datasetPage(), &ui::DatasetPage::datasetLoaded);
    window.openDemo(QString::fromStdString((dir / "demo").string()));
    ASSERT_TRUE(loaded.wait(60000));
    const auto index = window.datasetPage()->index();
    ASSERT_NE(index, nullptr);
    EXPECT_EQ(index->classes.size(), 4u);
    EXPECT_EQ(index->samples.size(), 200u); // 40 train + 10 test per class
}

} // namespace
} // namespace cxr

namespace cxr {
namespace {

// CoronaHack's COVID19 class has training images and no test images: the
// distribution chart says so under the bars, and labels carry the counts.
TEST(ClassDistributionPlot, WarnsOfAClassWithoutTestImages) {
    test::TempDir dir;
    for (const char *file : {"train/NORMAL/a.png", "test/NORMAL/b.png", "train/COVID19/c.png"})
        test::writeImage(dir / file, test::gradientImage(8, 8));
    ui::ClassDistributionPlot plot;
    plot.setIndex(std::make_shared<const DatasetIndex>(scan(dir.path())));
    ASSERT_EQ(plot.warnings().size(), 1);
    EXPECT_TRUE(plot.warnings()[0].contains(QStringLiteral("COVID19 has no test images")))
        << plot.warnings()[0].toStdString();
    auto *ticker = dynamic_cast<QCPAxisTickerText *>(plot.plot()->xAxis->ticker().data());
    ASSERT_NE(ticker, nullptr);
    bool counted = false;
    for (const QString &label : ticker->ticks())
        counted |= label.contains(QStringLiteral("COVID19")) &&
                   label.contains(QStringLiteral("1 train")) &&
                   label.contains(QStringLiteral("0 test"));
    EXPECT_TRUE(counted);
}

// Thumbnails are kept on disk: the second look decodes nothing, and an
// image changed since gets a new thumbnail.
TEST(ThumbnailCache, KeepsThumbnailsUntilTheImageChanges) {
    test::TempDir dir;
    const std::filesystem::path image = dir / "x.png";
    test::writeImage(image, test::gradientImage(300, 200));
    const ui::ThumbnailCache cache(QString::fromStdString((dir / "cache").string()));
    EXPECT_TRUE(cache.cached(image, 112).isNull());
    const QImage first = cache.thumbnail(image, 112);
    ASSERT_EQ(first.width(), 112);
    const QImage stored = cache.cached(image, 112);
    ASSERT_FALSE(stored.isNull());
    EXPECT_EQ(stored.convertToFormat(first.format()), first);
    EXPECT_TRUE(cache.cached(image, 64).isNull()); // another size is another entry

    // The same name with other content (and so another size and time).
    std::filesystem::last_write_time(
        image, std::filesystem::last_write_time(image) - std::chrono::hours(1));
    test::writeImage(image, cv::Mat(50, 80, CV_8UC1, cv::Scalar(200)));
    EXPECT_TRUE(cache.cached(image, 112).isNull());
    EXPECT_EQ(cache.thumbnail(image, 112).size(), QSize(80, 50)); // small images stay as they are

    // An unreadable file gets a placeholder that is not kept.
    test::writeFile(dir / "bad.png", "not a png");
    EXPECT_FALSE(cache.thumbnail(dir / "bad.png", 112).isNull());
    EXPECT_TRUE(cache.cached(dir / "bad.png", 112).isNull());
}

} // namespace
} // namespace cxr
