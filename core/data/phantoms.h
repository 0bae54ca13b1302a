// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <opencv2/core/mat.hpp>

#include "progress.h"

namespace cxr {

// Synthetic chest radiographs for demos and tests: a chest-like background
// (body, lungs, ribs, clavicles, spine, heart, diaphragm) with the pattern
// each class shows on film, and a ground-truth lesion mask:
//   NORMAL    clear lungs (empty mask)
//   BACTERIA  dense lobar consolidation with air bronchograms
//   VIRUS     interstitial (reticular) pattern
//   COVID19   patchy ground-glass opacity
// Every lesion class involves one lung or both, anywhere from apex to base,
// with the same odds, so the class shows only in the lesion's own pattern,
// inside its mask (textbook zones, such as COVID-19's peripheral lower
// zones, would put class evidence where no mask is).
// Anatomy, lesion size and position, contrast and noise vary with the seed,
// so a classifier has to look at the lungs. Not real patients: never for
// judging a model's clinical value.

struct PhantomImage {
    cv::Mat image; // CV_8UC1, size x size
    cv::Mat mask;  // CV_8UC1, 255 inside the lesion, 0 elsewhere
};

// Renders one phantom. Deterministic: the same arguments give the same
// pixels. Throws std::invalid_argument for an unknown class or size < 32.
PhantomImage renderPhantom(const std::string &className, int size, std::uint64_t seed);

struct PhantomOptions {
    int trainPerClass = 40;
    int testPerClass = 10;
    int size = 256;
    std::uint64_t seed = 1;
};

// Writes the dataset in class-folder layout: out/{train,test}/<CLASS>/*.png,
// masks at the same relative paths under out/masks/, and out/README.md
// saying what it is. Refuses (DatasetFormatError) to write into a folder
// that is not empty and not an earlier phantom dataset, so user data is
// never overwritten. Returns the number of images written.
std::size_t writePhantomDataset(const std::filesystem::path &out,
                                const PhantomOptions &options,
                                const ProgressFn &progress = {},
                                const CancelToken *cancel = nullptr);

} // namespace cxr
