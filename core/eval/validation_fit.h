// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "eval/calibration.h"
#include "eval/operating_point.h"

namespace cxr {

// What a model learns from held-out images after training, in this order:
// the temperature first, then the operating points on the probabilities
// scaled by it (a threshold belongs to one scale). Used by the trainer at
// the end of a run and by `cxr calibrate` for an existing model.
struct ValidationFit {
    Calibration calibration;
    std::vector<OperatingPoint> points;
    std::vector<std::string> notes; // goals that could not be fitted, in words
};

using ClassGoals = std::vector<std::pair<std::string, GoalSpec>>;

// `probabilities`: the network's own softmax (temperature 1), n x classes.
// `goals` empty: Youden's point for every class. A goal naming an unknown
// class throws std::invalid_argument; a class without positives or
// negatives among these images gets no point and a note.
ValidationFit fitOnValidation(const std::vector<float> &probabilities,
                              const std::vector<int> &labels,
                              const std::vector<std::string> &classes,
                              ClassGoals goals,
                              const std::string &fittedOn);

// The goals of a model's stored points, to refit the same goals.
ClassGoals goalsOf(const std::vector<OperatingPoint> &points);

// The metadata JSON with the fit's calibration and points set.
std::string withValidationFit(const std::string &metadataJson, const ValidationFit &fit);

} // namespace cxr
