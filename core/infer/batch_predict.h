// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <vector>

#include "data/dataset_index.h"
#include "explain/cam_method.h"
#include "explain/overlay.h"
#include "progress.h"

namespace cxr {

class Classifier;

struct BatchPredictOptions {
    std::filesystem::path overlaysDir; // empty: no overlays
    CamMethod method = CamMethod::GradCam;
    CamSmoothing smoothing;
    OverlayOptions overlay;
    int threads = 2; // decoding and writing; forward passes are serialised
    ProgressFn progress;
    const CancelToken *cancel = nullptr;
};

struct BatchPredictResult {
    std::size_t predicted = 0;
    std::vector<Rejected> failed; // images that could not be read, with the reason
};

// Every image file in `folder` (recursively, as a dataset scan lists them).
std::vector<std::filesystem::path> imagesInFolder(const std::filesystem::path &folder,
                                                  std::vector<Rejected> &rejected);

// Classifies `images` and writes `csv` (image, label, one probability column
// per class, in input order; written atomically at the end). With an
// overlays folder, each image's heatmap (by `method`, averaged over
// `smoothing`) goes there as an overlay, <name>.overlay.png. Bad images are
// listed in the result and skipped. Throws Cancelled, or Error when the CSV
// or an overlay cannot be written.
BatchPredictResult predictBatch(const Classifier &classifier,
                                const std::vector<std::filesystem::path> &images,
                                const std::filesystem::path &csv,
                                const BatchPredictOptions &options = {});

} // namespace cxr
