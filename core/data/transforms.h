// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cstdint>

#include <opencv2/core/mat.hpp>

namespace cxr {

// How an image becomes a network input. Stored in every checkpoint so that
// inference repeats exactly what training did.
struct Preprocessing {
    int imageSize = 224; // square side in pixels
    int channels = 3;    // gray replicated, as ImageNet backbones expect
    // ImageNet statistics (torchvision's defaults), since both backbones
    // were pretrained on images normalised this way.
    std::array<float, 3> mean = {0.485f, 0.456f, 0.406f};
    std::array<float, 3> std = {0.229f, 0.224f, 0.225f};
};

// Random augmentation used in training. Defaults are the paper's: horizontal
// and vertical flips with p = 0.5, a rotation with p = 0.3.
struct Augmentation {
    double hflipProbability = 0.5;
    double vflipProbability = 0.5;
    double rotationProbability = 0.3;
    double maxRotationDegrees = 15.0; // angle drawn uniformly in [-max, max]

    static Augmentation none() { return {0.0, 0.0, 0.0, 0.0}; }
    bool enabled() const;
};

// One concrete draw of the random augmentation.
struct AugmentationDraw {
    bool hflip = false;
    bool vflip = false;
    double rotationDegrees = 0.0; // counter-clockwise; 0 means no rotation
};

// Draws an augmentation from a 64-bit seed alone, so that a sample's
// augmentation depends on (run seed, epoch, sample) and not on which loader
// thread handled it: results are identical for any thread count.
AugmentationDraw drawAugmentation(const Augmentation &augmentation, std::uint64_t seed);

// Mixes values into one well-spread 64-bit seed (splitmix64 steps).
std::uint64_t mixSeed(std::uint64_t a, std::uint64_t b);

// Bilinear resize of a CV_32FC1 image to size x size; returns the input
// unchanged (no copy) when it already has that size.
cv::Mat resizeSquare(const cv::Mat &gray, int size);

// Applies flips, then the rotation about the centre (bilinear, corners
// filled with 0 as torchvision's RandomRotation does). Same size out.
cv::Mat applyAugmentation(const cv::Mat &gray, const AugmentationDraw &draw);

// Writes a CV_32FC1 image in [0, 1] of size imageSize x imageSize as
// `channels` planes (CHW order), each normalised (x - mean[c]) / std[c].
// `out` must hold channels * imageSize * imageSize floats.
void writeNormalisedChw(const cv::Mat &gray, const Preprocessing &preprocessing, float *out);

} // namespace cxr
