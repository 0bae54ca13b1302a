// SPDX-License-Identifier: MIT
#include "infer/input_checks.h"

#include <algorithm>

#include <opencv2/core.hpp>

#include "enum_names.h"

namespace cxr {
namespace {

constexpr EnumName<InputConcern> kConcernNames[] = {
    {InputConcern::TooSmall, "too_small"},
    {InputConcern::Colour, "colour"},
    {InputConcern::NearlyConstant, "nearly_constant"},
};

} // namespace

const char *concernName(InputConcern concern) { return nameOf(kConcernNames, concern); }

std::vector<InputCheck> checkInput(const DecodedImage &image, int networkInputSize) {
    std::vector<InputCheck> checks;
    const int width = image.pixels.cols, height = image.pixels.rows;
    const int smallest = std::max(64, static_cast<int>(kSmallestInputShare * networkInputSize));
    if (std::min(width, height) < smallest)
        checks.push_back({InputConcern::TooSmall,
                          "the image is " + std::to_string(width) + " x " + std::to_string(height) +
                              " pixels, far smaller than the network's " +
                              std::to_string(networkInputSize) + " x " +
                              std::to_string(networkInputSize) + " input"});
    if (image.colourfulness > kColourfulnessLimit)
        checks.push_back({InputConcern::Colour, "the image is in colour; a radiograph is grey"});
    cv::Scalar mean, spread;
    cv::meanStdDev(image.pixels, mean, spread);
    if (spread[0] < kConstantSpread)
        checks.push_back({InputConcern::NearlyConstant,
                          "the image is almost uniform: there is nothing in it to classify"});
    return checks;
}

} // namespace cxr
