// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <vector>

#include "data/dataset_index.h"
#include "explain/cam_method.h"
#include "explain/overlay.h"
#include "infer/classifier.h"
#include "progress.h"

namespace cxr {

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

// One row of a predictions CSV.
struct ImagePrediction {
    std::filesystem::path image;
    Prediction prediction;
};

// Writes a predictions CSV: image, label, p_<class> per class (six
// decimals), in_distribution (yes/no), ood_score (empty for a model
// without a gate) and warnings (in words, "; " between them), one row per
// prediction, atomically. The one writer of the
// format, for `cxr predict` and the Classify page's table alike. Throws
// Error naming the file when it cannot be written.
void writePredictionsCsv(const std::filesystem::path &csv,
                         const std::vector<std::string> &classes,
                         const std::vector<ImagePrediction> &rows);

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
