// SPDX-License-Identifier: MIT
#include "explain/heatmap_geometry.h"

#include <utility>

#include <opencv2/imgproc.hpp>

namespace cxr {

cv::Mat heatmapOnImage(const cv::Mat &map,
                       const FeatureGrid &grid,
                       int inputSize,
                       cv::Size imageSize,
                       cv::Point inputShift) {
    // Image pixel x -> network input u = (x + 0.5) * S / W - 0.5 (the
    // half-pixel convention of the resize that made the input), at u + d
    // once the content moved by d -> map column (u + d - offset) / stride.
    // Affine in x, so one warpAffine does it.
    const double s = static_cast<double>(inputSize);
    auto axis = [&](int length, int shift) {
        const double scale = s / length;
        return std::pair{scale / grid.stride,
                         (0.5 * scale - 0.5 + shift - grid.offset) / grid.stride};
    };
    const auto [ax, bx] = axis(imageSize.width, inputShift.x);
    const auto [ay, by] = axis(imageSize.height, inputShift.y);
    const cv::Matx23d imageToMap(ax, 0, bx, 0, ay, by);
    cv::Mat out;
    cv::warpAffine(map,
                   out,
                   imageToMap,
                   imageSize,
                   cv::INTER_LINEAR | cv::WARP_INVERSE_MAP,
                   cv::BORDER_REPLICATE);
    cv::max(out, 0.0, out);
    cv::min(out, 1.0, out);
    return out;
}

} // namespace cxr
