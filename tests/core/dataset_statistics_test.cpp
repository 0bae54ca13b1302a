// SPDX-License-Identifier: MIT
#include <numeric>

#include <gtest/gtest.h>

#include "data/dataset_scan.h"
#include "data/dataset_statistics.h"
#include "support/test_support.h"

namespace cxr {
namespace {

TEST(IntensityHistogram, SumsToOneAndFindsTheValues) {
    cv::Mat image(10, 10, CV_32FC1, cv::Scalar(0.0));
    image(cv::Rect(0, 0, 10, 5)).setTo(1.0);
    const auto bins = intensityHistogram(image);
    EXPECT_NEAR(std::accumulate(bins.begin(), bins.end(), 0.0), 1.0, 1e-12);
    EXPECT_DOUBLE_EQ(bins[0], 0.5);
    EXPECT_DOUBLE_EQ(bins[kHistogramBins - 1], 0.5);
}

// Two classes with known images: class A all images half black/half white;
// class B one black and one mid-gray image.
class StatisticsFixture : public ::testing::Test {
  protected:
    void SetUp() override {
        cv::Mat half(8, 8, CV_8UC1, cv::Scalar(0));
        half(cv::Rect(0, 0, 8, 4)).setTo(255);
        test::writeImage(dir / "train/A/1.png", half);
        test::writeImage(dir / "train/A/2.png", half);
        test::writeImage(dir / "train/B/black.png", cv::Mat(8, 8, CV_8UC1, cv::Scalar(0)));
        test::writeImage(dir / "test/B/gray.png", cv::Mat(8, 8, CV_8UC1, cv::Scalar(128)));
        index = scan(dir.path());
    }
    test::TempDir dir;
    DatasetIndex index;
};

TEST_F(StatisticsFixture, PerClassMeanAndSpread) {
    const IntensityStatistics stats = computeIntensityStatistics(index);
    ASSERT_EQ(stats.histograms.size(), 2u);
    const ClassHistogram &a = stats.histograms[static_cast<std::size_t>(index.classIndex("A"))];
    const ClassHistogram &b = stats.histograms[static_cast<std::size_t>(index.classIndex("B"))];
    EXPECT_EQ(a.images, 2u);
    EXPECT_DOUBLE_EQ(a.mean[0], 0.5);
    EXPECT_DOUBLE_EQ(a.stddev[0], 0.0);
    EXPECT_EQ(b.images, 2u);
    EXPECT_DOUBLE_EQ(b.mean[0], 0.5);
    EXPECT_DOUBLE_EQ(b.stddev[0], 0.5); // values 1 and 0
    EXPECT_DOUBLE_EQ(b.mean[128], 0.5); // 128/255 falls in bin 128
    EXPECT_TRUE(stats.failed.empty());
}

TEST_F(StatisticsFixture, SameResultForAnyThreadCount) {
    IntensityOptions one, many;
    one.threads = 1;
    many.threads = 4;
    const auto a = computeIntensityStatistics(index, one);
    const auto b = computeIntensityStatistics(index, many);
    for (std::size_t c = 0; c < a.histograms.size(); ++c) {
        EXPECT_EQ(a.histograms[c].mean, b.histograms[c].mean);
        EXPECT_EQ(a.histograms[c].stddev, b.histograms[c].stddev);
    }
}

TEST_F(StatisticsFixture, SubsetPerClassAndDecodeFailuresAreListed) {
    // Replace one image after the scan: the scan saw it, decoding now fails.
    test::writeFile(dir / "train/A/2.png", "broken now");
    IntensityOptions options;
    options.maxImagesPerClass = 2;
    const auto stats = computeIntensityStatistics(index, options);
    ASSERT_EQ(stats.failed.size(), 1u);
    EXPECT_EQ(stats.failed[0].path.filename(), "2.png");
    EXPECT_EQ(stats.histograms[static_cast<std::size_t>(index.classIndex("A"))].images, 1u);

    options.maxImagesPerClass = 1;
    const auto subset = computeIntensityStatistics(index, options);
    EXPECT_EQ(subset.histograms[static_cast<std::size_t>(index.classIndex("B"))].images, 1u);
}

TEST_F(StatisticsFixture, CancelThrows) {
    CancelToken cancel;
    cancel.cancel();
    IntensityOptions options;
    options.cancel = &cancel;
    EXPECT_THROW(computeIntensityStatistics(index, options), Cancelled);
}

TEST_F(StatisticsFixture, SizeSummary) {
    const SizeSummary sizes = summariseSizes(index);
    EXPECT_EQ(sizes.images, 4u);
    EXPECT_EQ(sizes.minWidth, 8);
    EXPECT_EQ(sizes.maxHeight, 8);
    EXPECT_DOUBLE_EQ(sizes.medianWidth, 8.0);
}

} // namespace
} // namespace cxr
