// SPDX-License-Identifier: MIT
#include <QCheckBox>
#include <QImage>
#include <QLabel>
#include <QSignalSpy>
#include <QTest>
#include <algorithm>

#include <gtest/gtest.h>

#include "charts_page.h"
#include "data/dataset_scan.h"
#include "data/phantoms.h"
#include "qcustomplot_include.h"
#include "support/test_support.h"

namespace cxr {
namespace {

TEST(ChartsPage, ComputesHistogramsInTheBackground) {
    test::TempDir dir;
    writePhantomDataset(dir / "data", PhantomOptions{5, 1, 64}); // train, test per class; px
    const auto index = std::make_shared<const DatasetIndex>(scan(dir / "data"));
    ui::ChartsPage page;
    QSignalSpy ready(&page, &ui::ChartsPage::histogramsReady);
    page.setIndex(index);
    ASSERT_TRUE(ready.wait(60000));
    // Per class: band lower edge, band upper edge and the mean line.
    EXPECT_EQ(page.histogramPlot()->graphCount(), 3 * 4);
    EXPECT_EQ(page.histogramPlot()->graph(2)->dataCount(), kHistogramBins);
}

// The export writes one file, named as typed, with the charts and the
// sample strip (which loads in the background).
TEST(ChartsPage, ExportsOneFileUnderTheTypedName) {
    test::TempDir dir;
    writePhantomDataset(dir / "data", PhantomOptions{4, 1, 64});
    ui::ChartsPage page;
    page.resize(1200, 800);
    page.show();
    QSignalSpy ready(&page, &ui::ChartsPage::histogramsReady);
    page.setIndex(std::make_shared<const DatasetIndex>(scan(dir / "data")));
    ASSERT_TRUE(ready.wait(60000));
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.sampleImagesShown() == 12; }, 20000))
        << page.sampleImagesShown();
    ASSERT_TRUE(page.exportTo(QString::fromStdString((dir / "x.png").string())));
    ASSERT_TRUE(page.exportTo(QString::fromStdString((dir / "x.pdf").string())));
    std::vector<std::string> written;
    for (const auto &entry : std::filesystem::directory_iterator(dir.path()))
        if (entry.is_regular_file())
            written.push_back(entry.path().filename().string());
    std::sort(written.begin(), written.end());
    EXPECT_EQ(written, (std::vector<std::string>{"x.pdf", "x.png"}));
    const QImage image(QString::fromStdString((dir / "x.png").string()));
    EXPECT_GE(image.height(), 700); // the whole page, samples included, at twice the size
    EXPECT_FALSE(page.exportTo(QString::fromStdString((dir / "missing/y.png").string())));
}

// Pure black padding makes a spike in the first bin: the linear axis fits
// the other bins and says the spike is cut off; the log axis shows it.
TEST(ChartsPage, TheBlackSpikeDoesNotSquashTheHistograms) {
    test::TempDir dir;
    for (int i = 0; i < 3; ++i) {
        cv::Mat image(64, 64, CV_8UC1, cv::Scalar(0));
        image(cv::Rect(16, 16, 32, 32)).setTo(100 + 40 * i);
        test::writeImage(dir / ("train/NORMAL/" + std::to_string(i) + ".png"), image);
    }
    ui::ChartsPage page;
    QSignalSpy ready(&page, &ui::ChartsPage::histogramsReady);
    page.setIndex(std::make_shared<const DatasetIndex>(scan(dir.path())));
    ASSERT_TRUE(ready.wait(60000));
    const double linearTop = page.histogramPlot()->yAxis->range().upper;
    EXPECT_LT(linearTop, 0.5); // 75% of the pixels are black; the axis does not reach it
    bool cut = false;
    for (QLabel *label : page.findChildren<QLabel *>())
        cut |= label->text().contains(QStringLiteral("cut off"));
    EXPECT_TRUE(cut);
    auto *log = page.findChild<QCheckBox *>(QStringLiteral("logScale"));
    ASSERT_NE(log, nullptr);
    log->setChecked(true);
    EXPECT_EQ(page.histogramPlot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    EXPECT_GT(page.histogramPlot()->yAxis->range().upper, 0.75);
}

} // namespace
} // namespace cxr
