// SPDX-License-Identifier: MIT
#include "data/transforms.h"

#include <stdexcept>

#include <opencv2/imgproc.hpp>

namespace cxr {
namespace {

// splitmix64 (Steele, Lea, Flood 2014): one step, a bijection on 64 bits.
std::uint64_t splitmix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

// A uniform double in [0, 1) from the top 53 bits; portable, unlike
// std::uniform_real_distribution whose algorithm differs between libraries.
double unit(std::uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

} // namespace

bool Augmentation::enabled() const {
    return hflipProbability > 0 || vflipProbability > 0 ||
           (rotationProbability > 0 && maxRotationDegrees > 0);
}

std::uint64_t mixSeed(std::uint64_t a, std::uint64_t b) { return splitmix(splitmix(a) ^ b); }

AugmentationDraw drawAugmentation(const Augmentation &augmentation, std::uint64_t seed) {
    std::uint64_t state = splitmix(seed);
    auto next = [&state] { return unit(state = splitmix(state)); };
    AugmentationDraw draw;
    draw.hflip = next() < augmentation.hflipProbability;
    draw.vflip = next() < augmentation.vflipProbability;
    const bool rotate = next() < augmentation.rotationProbability;
    const double angle = (2.0 * next() - 1.0) * augmentation.maxRotationDegrees;
    if (rotate)
        draw.rotationDegrees = angle;
    return draw;
}

cv::Mat resizeSquare(const cv::Mat &gray, int size) {
    if (gray.rows == size && gray.cols == size)
        return gray;
    cv::Mat out;
    cv::resize(gray, out, cv::Size(size, size), 0, 0, cv::INTER_LINEAR);
    return out;
}

cv::Mat applyAugmentation(const cv::Mat &gray, const AugmentationDraw &draw) {
    // `out` must not alias `gray` before cv::flip writes into it, or the
    // caller's image would be flipped in place.
    cv::Mat out;
    if (draw.hflip || draw.vflip) {
        // cv::flip codes: 1 mirrors left-right, 0 up-down, -1 both.
        const int code = draw.hflip && draw.vflip ? -1 : (draw.hflip ? 1 : 0);
        cv::flip(gray, out, code);
    } else {
        out = gray;
    }
    if (draw.rotationDegrees != 0.0) {
        const cv::Point2f centre((out.cols - 1) * 0.5f, (out.rows - 1) * 0.5f);
        const cv::Mat rotation = cv::getRotationMatrix2D(centre, draw.rotationDegrees, 1.0);
        cv::Mat rotated;
        cv::warpAffine(out,
                       rotated,
                       rotation,
                       out.size(),
                       cv::INTER_LINEAR,
                       cv::BORDER_CONSTANT,
                       cv::Scalar(0));
        out = rotated;
    }
    return out;
}

void writeNormalisedChw(const cv::Mat &gray, const Preprocessing &preprocessing, float *out) {
    const int size = preprocessing.imageSize;
    if (gray.type() != CV_32FC1 || gray.rows != size || gray.cols != size)
        throw std::invalid_argument("writeNormalisedChw: expected a CV_32FC1 image of " +
                                    std::to_string(size) + " x " + std::to_string(size));
    if (preprocessing.channels < 1 || preprocessing.channels > 3)
        throw std::invalid_argument("writeNormalisedChw: channels must be 1 to 3");
    const std::size_t plane = static_cast<std::size_t>(size) * static_cast<std::size_t>(size);
    for (int c = 0; c < preprocessing.channels; ++c) {
        const float scale = 1.0f / preprocessing.std[static_cast<std::size_t>(c)];
        const float shift = -preprocessing.mean[static_cast<std::size_t>(c)] * scale;
        float *dst = out + static_cast<std::size_t>(c) * plane;
        for (int y = 0; y < size; ++y) {
            const float *src = gray.ptr<float>(y);
            for (int x = 0; x < size; ++x)
                *dst++ = src[x] * scale + shift;
        }
    }
}

} // namespace cxr
