// SPDX-License-Identifier: MIT
#include "explain/heatmap_geometry.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <opencv2/imgproc.hpp>

namespace cxr {

namespace {

// Linear interpolation along one axis as a matrix: row x holds the weights
// of the map's samples for output pixel x, whose map coordinate is
// a * x + b, held at the outermost samples beyond them. Computed in double
// precision: OpenCV's warpAffine and remap round the position to 1/32 of a
// map cell, which at the 150-fold enlargement of a 7 x 7 map onto a
// radiograph shows as flat steps several pixels wide.
cv::Mat interpolationWeights(int outLength, int mapLength, double a, double b) {
    cv::Mat weights = cv::Mat::zeros(outLength, mapLength, CV_32F);
    for (int x = 0; x < outLength; ++x) {
        const double u = std::clamp(a * x + b, 0.0, static_cast<double>(mapLength - 1));
        const int low = static_cast<int>(std::floor(u));
        const int high = std::min(low + 1, mapLength - 1);
        const double f = u - low;
        weights.at<float>(x, low) += static_cast<float>(1.0 - f);
        weights.at<float>(x, high) += static_cast<float>(f);
    }
    return weights;
}

} // namespace

cv::Mat heatmapOnImage(const cv::Mat &map,
                       const FeatureGrid &grid,
                       int inputSize,
                       cv::Size imageSize,
                       cv::Point inputShift) {
    // Image pixel x -> network input u = (x + 0.5) * S / W - 0.5 (the
    // half-pixel convention of the resize that made the input), at u + d
    // once the content moved by d -> map column (u + d - offset) / stride.
    // Affine and separable: out = Wy * map * Wx^T.
    const double s = static_cast<double>(inputSize);
    auto axis = [&](int length, int shift) {
        const double scale = s / length;
        return std::pair{scale / grid.stride,
                         (0.5 * scale - 0.5 + shift - grid.offset) / grid.stride};
    };
    const auto [ax, bx] = axis(imageSize.width, inputShift.x);
    const auto [ay, by] = axis(imageSize.height, inputShift.y);
    cv::Mat source;
    map.convertTo(source, CV_32F);
    const cv::Mat rows = interpolationWeights(imageSize.height, source.rows, ay, by);
    const cv::Mat columns = interpolationWeights(imageSize.width, source.cols, ax, bx);
    cv::Mat out = rows * source * columns.t();
    cv::max(out, 0.0, out);
    cv::min(out, 1.0, out);
    return out;
}

} // namespace cxr
