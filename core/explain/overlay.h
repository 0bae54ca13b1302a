// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "explain/cam_method.h"

namespace cxr {

enum class Colormap { Jet, Inferno, Gray };

const char *colormapName(Colormap colormap); // "jet", "inferno", "gray"
std::optional<Colormap> parseColormap(const std::string &name);

constexpr const char *kResearchCaption = "Research use only - not for clinical use";

struct OverlayOptions {
    Colormap colormap = Colormap::Jet;
    double opacity = 0.45; // of the heatmap over the X-ray, 0..1
    bool caption = true;   // the research-use caption in a band at the bottom
    // Lines written in a band at the top (what was predicted and explained;
    // see describeExplanation), and a colour bar at the right edge saying
    // which colour is high, so that an exported file explains itself.
    std::vector<std::string> legend;
    bool colourBar = false;
};

// The lines an exported overlay carries: the prediction with its
// probability, every class's probability, and which method explained which
// class with what averaging.
std::vector<std::string> describeExplanation(const std::vector<std::string> &classes,
                                             const std::vector<float> &probabilities,
                                             int label,
                                             int target,
                                             CamMethod method,
                                             const CamSmoothing &smoothing);

// Resizes a heatmap (CV_32FC1, [0, 1]) to `size` with bilinear interpolation.
cv::Mat resizeHeatmap(const cv::Mat &heatmap, cv::Size size);

// The heatmap in colour (CV_8UC3, BGR) at its own size.
cv::Mat colouriseHeatmap(const cv::Mat &heatmap, Colormap colormap);

// The X-ray (CV_32FC1 in [0, 1]) with the heatmap (any size; resized to the
// image) blended over it, as an 8-bit BGR image of the X-ray's size. With
// `caption`, the research-use notice is written across the bottom so that
// an exported overlay can never be mistaken for a clinical result.
cv::Mat renderOverlay(const cv::Mat &gray, const cv::Mat &heatmap, const OverlayOptions &options);

} // namespace cxr
