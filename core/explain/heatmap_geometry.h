// SPDX-License-Identifier: MIT
#pragma once

#include <opencv2/core/mat.hpp>

#include "models/architecture.h"

namespace cxr {

// A class activation map (CV_32FC1 at feature-map resolution, [0, 1]) as a
// heatmap over the original image of `imageSize`, which the network saw
// resized to inputSize x inputSize. Each image pixel takes the bilinear
// value of the map where that pixel falls on `grid`, so every cell's value
// lands on the centre of its receptive field; beyond the outermost cell
// centres the map is held constant. The result is in [0, 1].
// `inputShift` is how far the image's content was moved (right, down) in
// input pixels before the network saw it; the map is laid back where its
// cells saw the unshifted image.
cv::Mat heatmapOnImage(const cv::Mat &map,
                       const FeatureGrid &grid,
                       int inputSize,
                       cv::Size imageSize,
                       cv::Point inputShift = {0, 0});

} // namespace cxr
