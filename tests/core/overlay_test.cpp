// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "eval/localisation.h"
#include "explain/overlay.h"

namespace cxr {
namespace {

TEST(Overlay, KeepsTheImageSizeAndShowsTheHeat) {
    const cv::Mat gray(90, 120, CV_32FC1, cv::Scalar(0.5));
    cv::Mat heat = cv::Mat::zeros(3, 4, CV_32FC1);
    heat.at<float>(0, 0) = 1.0f; // top-left cell hot
    OverlayOptions options;
    options.caption = false;
    const cv::Mat out = renderOverlay(gray, heat, options);
    ASSERT_EQ(out.size(), gray.size());
    ASSERT_EQ(out.type(), CV_8UC3);
    // Jet: hot is red (BGR channel 2 high), cold is blue.
    const cv::Vec3b hot = out.at<cv::Vec3b>(2, 2), cold = out.at<cv::Vec3b>(85, 115);
    EXPECT_GT(hot[2], hot[0]);
    EXPECT_GT(cold[0], cold[2]);
    // Opacity 0 leaves the X-ray alone.
    options.opacity = 0.0;
    const cv::Mat plain = renderOverlay(gray, heat, options);
    EXPECT_EQ(plain.at<cv::Vec3b>(2, 2), cv::Vec3b(128, 128, 128));
}

TEST(Overlay, CaptionIsDrawnAtTheBottom) {
    const cv::Mat gray(200, 300, CV_32FC1, cv::Scalar(0.5));
    const cv::Mat heat = cv::Mat::zeros(2, 2, CV_32FC1);
    OverlayOptions with, without;
    without.caption = false;
    const cv::Mat a = renderOverlay(gray, heat, with), b = renderOverlay(gray, heat, without);
    EXPECT_EQ(cv::norm(a(cv::Rect(0, 0, 300, 150)), b(cv::Rect(0, 0, 300, 150)), cv::NORM_INF),
              0.0);
    EXPECT_GT(cv::norm(a(cv::Rect(0, 170, 300, 30)), b(cv::Rect(0, 170, 300, 30)), cv::NORM_INF),
              100.0);
}

TEST(Overlay, Names) {
    EXPECT_EQ(parseColormap("inferno"), Colormap::Inferno);
    EXPECT_FALSE(parseColormap("rainbow").has_value());
}

TEST(Localisation, PointingGameAndMass) {
    cv::Mat heat = cv::Mat::zeros(10, 10, CV_32FC1);
    heat.at<float>(2, 3) = 1.0f;
    heat.at<float>(8, 8) = 1.0f / 3;
    cv::Mat mask = cv::Mat::zeros(20, 20, CV_8U); // another size: resized
    mask(cv::Rect(4, 2, 6, 6)).setTo(255);        // covers heat cell (2, 3) after resizing
    bool hit = false;
    double mass = 0;
    scoreHeatmap(heat, mask, hit, mass);
    EXPECT_TRUE(hit);
    EXPECT_NEAR(mass, 0.75, 1e-6);
    scoreHeatmap(cv::Mat::zeros(10, 10, CV_32FC1), mask, hit, mass);
    EXPECT_FALSE(hit);
    EXPECT_EQ(mass, 0.0);
}

} // namespace
} // namespace cxr
