// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace cxr {

// How far a model's confidence is from its accuracy (Guo et al. 2017, "On
// Calibration of Modern Neural Networks"), and the one-parameter fix they
// found works best: temperature scaling, softmax(logits / T) with T fitted
// on held-out images by minimising the negative log-likelihood. T > 1
// softens an over-confident model; the predicted class never changes.
//
// Everything here works on softmax outputs (n x classes, row-major): the
// logarithm of a softmax output equals the logit minus a per-image
// constant, which the softmax ignores, so softmax(log p / T) is the same as
// softmax(logits / T). Probabilities are clamped at 1e-30 before the log.

// One bin of a reliability diagram: images whose top probability falls in
// [lower, upper), their mean top probability and the share predicted right.
struct ReliabilityBin {
    double lower = 0, upper = 0;
    std::size_t count = 0;
    double confidence = 0, accuracy = 0; // 0 when the bin is empty
};

std::vector<ReliabilityBin> reliabilityDiagram(const std::vector<float> &probabilities,
                                               const std::vector<int> &labels,
                                               int classes,
                                               int bins = 15);

// Expected calibration error: the count-weighted mean of |accuracy -
// confidence| over the bins of the top-label reliability diagram.
double expectedCalibrationError(const std::vector<float> &probabilities,
                                const std::vector<int> &labels,
                                int classes,
                                int bins = 15);

// Mean negative log-likelihood of the labels after scaling by `temperature`.
double negativeLogLikelihood(const std::vector<float> &probabilities,
                             const std::vector<int> &labels,
                             int classes,
                             double temperature = 1.0);

// The temperature in [0.05, 20] that minimises the negative log-likelihood
// (golden-section search on 1/T, where the likelihood is convex). 1 when
// there are no images.
double fitTemperature(const std::vector<float> &probabilities,
                      const std::vector<int> &labels,
                      int classes);

// softmax(log p / temperature), row by row.
std::vector<float>
applyTemperature(const std::vector<float> &probabilities, int classes, double temperature);

// What a model file records of its calibration (its metadata JSON's
// "calibration" object): the temperature, the split it was fitted on and
// the expected calibration error there before and after.
struct Calibration {
    double temperature = 1.0;
    std::string fittedOn; // "val", or the dataset and split `cxr calibrate` used
    std::size_t images = 0;
    double eceBefore = 0, eceAfter = 0;
};

// Fits a temperature to these predictions and measures what it changes.
Calibration calibrate(const std::vector<float> &probabilities,
                      const std::vector<int> &labels,
                      int classes,
                      const std::string &fittedOn);

// The calibration in a model's metadata JSON, if any (and valid).
std::optional<Calibration> calibrationFromMetadata(const std::string &metadataJson);
// The metadata JSON with `calibration` set (replacing any earlier one).
std::string withCalibration(const std::string &metadataJson, const Calibration &calibration);

} // namespace cxr
