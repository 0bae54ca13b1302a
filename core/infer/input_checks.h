// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

#include "data/image_decode.h"

namespace cxr {

// Checks that need no network and say in plain words why an image is not
// one the model can judge. They run before the out-of-distribution gate
// and catch what it might not put into words.
enum class InputConcern {
    TooSmall,       // far smaller than the network's input
    Colour,         // a colour picture; radiographs are grey
    NearlyConstant, // almost one value everywhere: nothing to classify
};

struct InputCheck {
    InputConcern concern;
    std::string message; // one sentence, for a person
};

// Smaller than this share of the network's input side (or 64 pixels,
// whichever is larger) is "far smaller".
constexpr double kSmallestInputShare = 0.5;
// Colourfulness (DecodedImage::colourfulness) above this is a colour picture.
constexpr double kColourfulnessLimit = 0.05;
// A standard deviation of the grey values (0-1) below this is nearly constant.
constexpr double kConstantSpread = 0.02;

std::vector<InputCheck> checkInput(const DecodedImage &image, int networkInputSize);

const char *concernName(InputConcern concern); // "too_small", "colour", "nearly_constant"

} // namespace cxr
