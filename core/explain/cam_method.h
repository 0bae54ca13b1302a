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

const char *camMethodName(CamMethod method);  // "gradcam", "gradcam++"
const char *camMethodTitle(CamMethod method); // "Grad-CAM", "Grad-CAM++"
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
// "averaged over all mirror images" ...; empty for None.
const char *smoothingDescription(Smoothing smoothing);
std::optional<Smoothing> parseSmoothing(const std::string &name);

// Everything averaged into one heatmap: the flipped copies, and for each of
// them `shifts` x `shifts` copies of the network input moved by fractions of
// the feature map's stride (centred on no shift: -8 and +8 px for 2 at
// stride 32), each map laid back where its cells saw the image. The last
// feature map of either backbone has one cell per 32 input pixels, so a
// lesion smaller than that, or between two cell centres, cannot hold a
// single map's peak; the shifted maps interleave into a grid `shifts` times
// finer, and averaging them also removes the part of the map that depends
// on where the image falls on the stride (the aliasing of strided
// convolutions). Morbidelli et al. 2020 ("Augmented Grad-CAM") also
// combine the maps of moved copies into a finer map, by a regularised
// super-resolution where this takes the plain average.
struct CamSmoothing {
    Smoothing flips = Smoothing::None;
    int shifts = 1; // per axis; 1 is no shift
    static constexpr int kMaxShifts = 8;
};

} // namespace cxr
