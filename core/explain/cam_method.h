// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>

namespace cxr {

// Class activation map methods. Kept apart from grad_cam.h so that callers
// without LibTorch (the UI, the CLI) can name them.
enum class CamMethod {
    GradCam,        // Selvaraju et al. 2017
    GradCamPlusPlus // Chattopadhay et al. 2018
};

const char *camMethodName(CamMethod method); // "gradcam", "gradcam++"
std::optional<CamMethod> parseCamMethod(const std::string &name);

// Test-time smoothing: the heatmap is averaged over flipped copies of the
// image, each map flipped back onto the image.
enum class Smoothing {
    None,
    Mirror, // the image and its left-right mirror
    // The image, both mirrors and the half-turn. A network trained from
    // scratch can learn to collect a lesion's evidence in cells beside it
    // (say, one cell below); flipped back, the flipped images' maps put it
    // on the other side, and the average cancels the offset in any
    // direction (docs/explain.md measures it).
    Flips
};

const char *smoothingName(Smoothing smoothing); // "none", "mirror", "flips"
std::optional<Smoothing> parseSmoothing(const std::string &name);

} // namespace cxr
