// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "data/transforms.h"

namespace cxr {
namespace {

cv::Mat ramp(int size) {
    cv::Mat image(size, size, CV_32FC1);
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x)
            image.at<float>(y, x) = static_cast<float>(x + 2 * y) / (3 * size);
    return image;
}

TEST(Augmentation, DrawIsAFunctionOfTheSeed) {
    const Augmentation paper;
    for (std::uint64_t seed = 0; seed < 100; ++seed) {
        const auto a = drawAugmentation(paper, seed);
        const auto b = drawAugmentation(paper, seed);
        EXPECT_EQ(a.hflip, b.hflip);
        EXPECT_EQ(a.vflip, b.vflip);
        EXPECT_EQ(a.rotationDegrees, b.rotationDegrees);
    }
}

TEST(Augmentation, FrequenciesMatchThePaperProbabilities) {
    const Augmentation paper; // 0.5, 0.5, 0.3
    constexpr int kDraws = 20000;
    int h = 0, v = 0, r = 0;
    double maxAngle = 0;
    for (int i = 0; i < kDraws; ++i) {
        const auto draw = drawAugmentation(paper, mixSeed(42, static_cast<std::uint64_t>(i)));
        h += draw.hflip;
        v += draw.vflip;
        r += draw.rotationDegrees != 0.0;
        maxAngle = std::max(maxAngle, std::abs(draw.rotationDegrees));
    }
    // 4 standard deviations of a binomial at n = 20000 is under 0.015.
    EXPECT_NEAR(h / double(kDraws), 0.5, 0.015);
    EXPECT_NEAR(v / double(kDraws), 0.5, 0.015);
    EXPECT_NEAR(r / double(kDraws), 0.3, 0.015);
    EXPECT_LE(maxAngle, paper.maxRotationDegrees);
    EXPECT_GT(maxAngle, paper.maxRotationDegrees * 0.9);
}

TEST(Augmentation, NoneNeverChangesTheImage) {
    EXPECT_FALSE(Augmentation::none().enabled());
    const cv::Mat image = ramp(16);
    for (std::uint64_t seed = 0; seed < 50; ++seed) {
        const cv::Mat out = applyAugmentation(image, drawAugmentation(Augmentation::none(), seed));
        EXPECT_EQ(cv::norm(out, image, cv::NORM_INF), 0.0);
    }
}

TEST(Augmentation, FlipsMirrorAndLeaveTheInputAlone) {
    const cv::Mat image = ramp(8);
    const cv::Mat original = image.clone();
    const cv::Mat h = applyAugmentation(image, {true, false, 0.0});
    const cv::Mat v = applyAugmentation(image, {false, true, 0.0});
    const cv::Mat both = applyAugmentation(image, {true, true, 0.0});
    EXPECT_FLOAT_EQ(h.at<float>(2, 0), image.at<float>(2, 7));
    EXPECT_FLOAT_EQ(v.at<float>(0, 3), image.at<float>(7, 3));
    EXPECT_FLOAT_EQ(both.at<float>(0, 0), image.at<float>(7, 7));
    EXPECT_EQ(cv::norm(image, original, cv::NORM_INF), 0.0);
}

TEST(Augmentation, RotationKeepsSizeAndCentre) {
    cv::Mat image = cv::Mat::zeros(33, 33, CV_32FC1);
    image.at<float>(16, 16) = 1.0f;
    const cv::Mat out = applyAugmentation(image, {false, false, 90.0});
    EXPECT_EQ(out.size(), image.size());
    EXPECT_NEAR(out.at<float>(16, 16), 1.0f, 1e-5);
    // A 90 degree turn moves a point right of centre to above it.
    cv::Mat right = cv::Mat::zeros(33, 33, CV_32FC1);
    right.at<float>(16, 26) = 1.0f;
    const cv::Mat turned = applyAugmentation(right, {false, false, 90.0});
    EXPECT_NEAR(turned.at<float>(6, 16), 1.0f, 1e-4);
}

TEST(Preprocessing, ResizeIsANoOpAtTheTargetSize) {
    const cv::Mat image = ramp(32);
    EXPECT_EQ(resizeSquare(image, 32).data, image.data);
    const cv::Mat small = resizeSquare(image, 16);
    EXPECT_EQ(small.size(), cv::Size(16, 16));
    const cv::Mat tall(40, 10, CV_32FC1, cv::Scalar(0.5));
    EXPECT_EQ(resizeSquare(tall, 24).size(), cv::Size(24, 24));
}

TEST(Preprocessing, NormalisesEachChannelWithImageNetStatistics) {
    Preprocessing p;
    p.imageSize = 4;
    const cv::Mat image(4, 4, CV_32FC1, cv::Scalar(0.5));
    std::vector<float> out(3 * 16, -99.0f);
    writeNormalisedChw(image, p, out.data());
    for (int c = 0; c < 3; ++c)
        for (int i = 0; i < 16; ++i)
            EXPECT_NEAR(out[static_cast<std::size_t>(c * 16 + i)],
                        (0.5f - p.mean[static_cast<std::size_t>(c)]) /
                            p.std[static_cast<std::size_t>(c)],
                        1e-6);
    EXPECT_THROW(writeNormalisedChw(cv::Mat(5, 5, CV_32FC1), p, out.data()), std::invalid_argument);
}

TEST(Preprocessing, ChwOrderKeepsPixelPositions) {
    Preprocessing p;
    p.imageSize = 3;
    p.channels = 1;
    p.mean = {0, 0, 0};
    p.std = {1, 1, 1};
    const cv::Mat image = ramp(3);
    std::vector<float> out(9);
    writeNormalisedChw(image, p, out.data());
    EXPECT_FLOAT_EQ(out[1 * 3 + 2], image.at<float>(1, 2));
}

} // namespace
} // namespace cxr
