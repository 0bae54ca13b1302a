// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <torch/autograd.h>
#include <torch/types.h>
#include <torch/utils.h>

#include "explain/heatmap_geometry.h"
#include "models/network.h"

namespace cxr {
namespace {

cv::Point peakOf(const cv::Mat &heatmap) {
    cv::Point peak;
    cv::minMaxLoc(heatmap, nullptr, nullptr, nullptr, &peak);
    return peak;
}

// A single hot cell lands on its receptive-field centre in the original
// image, through the resize to the network's input (here 224 from 448 x 336).
TEST(HeatmapGeometry, EachCellLandsOnItsReceptiveFieldCentre) {
    for (const Architecture arch : {Architecture::ResNet50, Architecture::DenseNet121}) {
        SCOPED_TRACE(architectureName(arch));
        const FeatureGrid grid = featureGrid(arch);
        cv::Mat map = cv::Mat::zeros(7, 7, CV_32F);
        map.at<float>(2, 5) = 1.0f; // row 2, column 5
        const cv::Mat heatmap = heatmapOnImage(map, grid, 224, cv::Size(448, 336));
        ASSERT_EQ(heatmap.size(), cv::Size(448, 336));
        // Input pixel u maps to image pixel (u + 0.5) * scale - 0.5.
        const double x = (grid.offset + grid.stride * 5 + 0.5) * 2.0 - 0.5;
        const double y = (grid.offset + grid.stride * 2 + 0.5) * 1.5 - 0.5;
        const cv::Point peak = peakOf(heatmap);
        EXPECT_NEAR(peak.x, x, 1.0);
        EXPECT_NEAR(peak.y, y, 1.0);
        double low = 0, high = 0;
        cv::minMaxLoc(heatmap, &low, &high);
        EXPECT_GE(low, 0.0);
        // The pixel nearest the cell centre lies up to half a pixel (1/128
        // of a cell here) from it on each axis, so the peak is just below 1.
        EXPECT_NEAR(high, 1.0, 0.03);
    }
}

// A map made from an input whose content was moved by d input pixels is
// laid back by -d: its hot cell lands where that cell saw the unmoved image.
TEST(HeatmapGeometry, ShiftedInputsMapIsLaidBackOnTheImage) {
    const FeatureGrid grid = featureGrid(Architecture::ResNet50);
    cv::Mat map = cv::Mat::zeros(7, 7, CV_32F);
    map.at<float>(3, 4) = 1.0f;
    const cv::Point plain = peakOf(heatmapOnImage(map, grid, 224, cv::Size(448, 448)));
    const cv::Point moved =
        peakOf(heatmapOnImage(map, grid, 224, cv::Size(448, 448), cv::Point(12, -8)));
    // Two image pixels per input pixel.
    EXPECT_NEAR(moved.x, plain.x - 24, 1.0);
    EXPECT_NEAR(moved.y, plain.y + 16, 1.0);
}

// A 7 x 7 map spread over a 1,400 px radiograph is smooth: between two cell
// centres (about 200 px apart) the heatmap rises pixel by pixel. Warping
// with OpenCV rounds positions to 1/32 of a cell, which left flat steps of
// about 6 px.
TEST(HeatmapGeometry, ALargeImageGetsASmoothRampNotSteps) {
    const FeatureGrid grid = featureGrid(Architecture::ResNet50);
    cv::Mat map = cv::Mat::zeros(7, 7, CV_32F);
    map.at<float>(3, 3) = 1.0f;
    const cv::Mat heatmap = heatmapOnImage(map, grid, 224, cv::Size(1400, 1400));
    const int row = peakOf(heatmap).y;
    int longestFlat = 0, flat = 0, rising = 0;
    for (int x = 1; x < heatmap.cols; ++x) {
        const float left = heatmap.at<float>(row, x - 1), here = heatmap.at<float>(row, x);
        if (here > left) {
            ++rising;
            flat = 0;
        } else if (here == left && here > 0.05f && here < 0.95f) {
            longestFlat = std::max(longestFlat, ++flat);
        }
    }
    EXPECT_GT(rising, 150); // a cell's ramp is about 200 px wide
    EXPECT_LE(longestFlat, 1);
}

// With one map cell per pixel and no offset, the heatmap is the map itself.
TEST(HeatmapGeometry, UnitGridIsTheIdentity) {
    cv::Mat map(5, 5, CV_32F);
    cv::randu(map, 0.0, 1.0);
    const cv::Mat heatmap = heatmapOnImage(map, FeatureGrid{1, 0}, 5, cv::Size(5, 5));
    EXPECT_LT(cv::norm(heatmap, map, cv::NORM_INF), 1e-2);
}

// Measured, not assumed: the receptive field of a layer4 / norm5 cell of
// each real network (torchvision initialisation) is centred where
// featureGrid() says. For ResNet50 the plain-resize convention (32k + 15.5)
// would be 15 px off, far outside the tolerance.
TEST(HeatmapGeometry, GridMatchesMeasuredReceptiveFields) {
    for (const Architecture arch : {Architecture::ResNet50, Architecture::DenseNet121}) {
        SCOPED_TRACE(architectureName(arch));
        torch::manual_seed(1);
        Network network = makeNetwork(arch, 2);
        network->eval();
        const torch::Tensor x = torch::randn({1, 3, 224, 224}).requires_grad_(true);
        const torch::Tensor features = network->features(x);
        ASSERT_EQ(features.size(2), 7);
        const int cell = 3;
        const torch::Tensor grad =
            torch::autograd::grad({features.select(2, cell).select(2, cell).sum()}, {x})[0];
        const torch::Tensor weight = grad.abs().sum(1)[0]; // 224 x 224
        const torch::Tensor coords = torch::arange(224, torch::kFloat);
        const double total = weight.sum().item<double>();
        const double row = (weight.sum(1) * coords).sum().item<double>() / total;
        const double column = (weight.sum(0) * coords).sum().item<double>() / total;
        const FeatureGrid grid = featureGrid(arch);
        const double expected = grid.offset + grid.stride * cell;
        EXPECT_NEAR(row, expected, 5.0);
        EXPECT_NEAR(column, expected, 5.0);
    }
}

} // namespace
} // namespace cxr
