// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "data/dataset_index.h"
#include "progress.h"

namespace cxr {

// What the audit measures of one image: fingerprints to find the same film
// twice, and the properties that can tell a class without any disease
// signal (a shortcut, DeGrave et al. 2021).
struct ImageSurvey {
    // A hash of the decoded 8-bit pixels and the size: equal for the same
    // pixels whatever the file format or metadata.
    std::uint64_t exact = 0;
    // The film's fine structure at kDetailScales central crops (100%, 97%,
    // ... 88% of the image), each resized to kDetailSide x kDetailSide,
    // high-passed (minus a Gaussian blur of 2 px), clipped at 2.5 standard
    // deviations (so that a burned-in marker weighs little), mean 0 and
    // length 1; row-major, scale after scale. Chest films share their
    // coarse layout; this keeps what tells one film from another.
    std::vector<float> detail;
    // The image as 16 x 16 grey values, mean 0 and length 1 (coarse
    // appearance: for images unlike the rest).
    std::vector<float> thumbnail;
    // The square roots of the grey-level histogram's shares (16 bins): a
    // vector of length 1 whose distances are Hellinger distances.
    std::vector<float> histogram;

    // Properties (file, then pixels).
    std::string format; // "png", "jpeg", ...
    int width = 0, height = 0, bitDepth = 0, channels = 0;
    double meanIntensity = 0, intensitySpread = 0; // of the [0, 1] grey image
    // The share of the image's area in uniform black or white margins
    // (a frame, a scanner's border).
    double borderFraction = 0;
    // Burned-in marks that look like text (countTextMarks).
    int textMarks = 0;
};

constexpr int kThumbnailSide = 16;
constexpr int kSurveyHistogramBins = 16;
constexpr int kDetailSide = 32;
constexpr int kDetailScales = 5;
constexpr int kDetailLength = kDetailSide * kDetailSide;

// Surveys a decoded image (CV_32FC1 in [0, 1]) and its file header.
ImageSurvey surveyImage(const cv::Mat &gray,
                        const std::string &format,
                        int width,
                        int height,
                        int bitDepth,
                        int channels);

// Surveys a file: decodes it (JPEGs at a reduced scale, which is enough for
// every measure here and several times faster). Throws ImageLoadError.
ImageSurvey surveyFile(const std::filesystem::path &file);

} // namespace cxr
