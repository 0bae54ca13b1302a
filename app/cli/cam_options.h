// SPDX-License-Identifier: MIT
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "explain/cam_method.h"

namespace cxr::cli {

// How heatmaps are made, as `cxr explain` and `cxr predict --overlays` both
// take it: --method, --smooth | --smooth-flips, --shifts N.
struct CamArgs {
    std::string method = "gradcam";
    bool smooth = false, smoothFlips = false;
    int shifts = 1;

    CamMethod camMethod() const; // throws Error for an unknown name
    CamSmoothing smoothing() const;
    std::string smoothingText() const; // "flips, 2x2 shifts"; "" for a single map
};

void addCamOptions(CLI::App &cmd, CamArgs &args);

} // namespace cxr::cli
