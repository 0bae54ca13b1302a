// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "data/dataset_index.h"
#include "progress.h"

namespace cxr {

constexpr int kHistogramBins = 256;

// Per-class intensity histogram (the paper's Figure 2): each image's
// histogram over [0, 1] in kHistogramBins bins, normalised to sum to 1,
// then averaged over the class's images with the per-bin standard
// deviation as the spread band.
struct ClassHistogram {
    std::array<double, kHistogramBins> mean{};
    std::array<double, kHistogramBins> stddev{};
    std::size_t images = 0;
};

// Image sizes from the scan's header reads (no decoding needed).
struct SizeSummary {
    std::size_t images = 0; // samples with a known size
    int minWidth = 0, maxWidth = 0, minHeight = 0, maxHeight = 0;
    double medianWidth = 0, medianHeight = 0;
};

struct IntensityStatistics {
    std::vector<ClassHistogram> histograms; // indexed by label
    std::vector<Rejected> failed;           // images that could not be decoded
};

struct IntensityOptions {
    std::size_t maxImagesPerClass = 0; // 0: every image; else an evenly spaced subset
    int threads = 0;                   // 0: every core
    ProgressFn progress;               // images done / total
    const CancelToken *cancel = nullptr;
};

SizeSummary summariseSizes(const DatasetIndex &index);

// Decodes the images (in parallel) and builds the per-class histograms.
// Images that fail to decode are listed in `failed` and left out. The
// result does not depend on the thread count. Throws Cancelled.
IntensityStatistics computeIntensityStatistics(const DatasetIndex &index,
                                               const IntensityOptions &options = {});

// One image's normalised histogram (bins sum to 1) of a CV_32FC1 image in [0, 1].
std::array<double, kHistogramBins> intensityHistogram(const cv::Mat &gray);

} // namespace cxr
