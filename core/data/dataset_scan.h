// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <optional>

#include "data/dataset_index.h"
#include "progress.h"

namespace cxr {

struct ScanOptions {
    std::optional<Layout> layout; // force a layout instead of detecting it
    bool checkImages = true;      // read each image's header (size, format, truncation)
    int threads = 0;              // for the image checks; 0 = every core
    ProgressFn progress;          // image checks done / total
    const CancelToken *cancel = nullptr;
};

// The layout of the dataset at `path` (a folder, or a CoronaHack metadata
// CSV), detected in this order: CoronaHack (metadata CSV), Kermany
// (PNEUMONIA folders), class folders. nullopt when none fits.
std::optional<Layout> detectLayout(const std::filesystem::path &path);

// Indexes the dataset at `path`. Every file that cannot be used goes to
// DatasetIndex::rejected with a reason and the scan goes on; with
// checkImages, a file whose header is unreadable, truncated or absurd is
// rejected too. Throws DatasetFormatError when `path` is not a dataset (or
// not of the forced layout), Cancelled when cancelled.
DatasetIndex scan(const std::filesystem::path &path, const ScanOptions &options = {});

} // namespace cxr
