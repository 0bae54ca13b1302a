// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "data/dataset_index.h"
#include "explain/cam_method.h"
#include "progress.h"

namespace cxr {

class Classifier;

// How well heatmaps fall on ground-truth lesions.
struct LocalisationScore {
    std::size_t images = 0;
    double pointingGame = 0; // share of images whose heatmap maximum lies in the mask
    double massInMask = 0;   // mean share of heatmap mass inside the mask
};

struct LocalisationReport {
    std::vector<std::string> classes;        // lesion classes scored
    std::vector<LocalisationScore> perClass; // same order
    LocalisationScore overall;
    std::vector<Rejected> skipped; // images or masks that could not be used
};

// Pointing game (Zhang et al. 2016) and mass in mask of one heatmap
// (CV_32FC1) against a mask of any size (non-zero = lesion; resized to the
// heatmap with nearest neighbour). hit is false and mass 0 for an empty map.
void scoreHeatmap(const cv::Mat &heatmap, const cv::Mat &mask, bool &hit, double &mass);

// Scores the heatmaps of the images of `split` whose mask (at the same
// relative path under `masksDir`) is not empty, i.e. images with a lesion,
// for their true class, made by `method` averaged over `smoothing`. Images
// whose class the model does not know, or whose mask is missing, are skipped
// with a reason.
LocalisationReport scoreLocalisation(const Classifier &classifier,
                                     const DatasetIndex &index,
                                     const std::filesystem::path &masksDir,
                                     Split split,
                                     CamMethod method,
                                     const CamSmoothing &smoothing,
                                     const ProgressFn &progress = {},
                                     const CancelToken *cancel = nullptr);

} // namespace cxr
