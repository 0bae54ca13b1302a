// SPDX-License-Identifier: MIT
#include <QSignalSpy>

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

} // namespace
} // namespace cxr
