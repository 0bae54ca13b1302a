// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "eval/curves.h"

namespace cxr {

// A threshold per class turns a probability into a yes/no answer for that
// class ("COVID-19 or not"), the way a reader uses a screening test; the
// arg-max label stays what it is. Chosen on validation images for a stated
// goal, stored in the model, and measured again on the test images.
enum class OperatingGoal {
    Youden,      // maximise sensitivity + specificity - 1
    Sensitivity, // the most specific threshold whose sensitivity >= target
    Specificity, // the most sensitive threshold whose specificity >= target
    Manual,      // set by hand (the Evaluation page's slider); nothing to choose
};

struct GoalSpec {
    OperatingGoal goal = OperatingGoal::Youden;
    double target = 0; // Sensitivity and Specificity only, in (0, 1]
};

// "youden", "sensitivity>=0.95", "specificity>=0.9", "manual". Throws
// std::invalid_argument with the accepted forms otherwise.
GoalSpec parseGoal(const std::string &text);
std::string goalText(const GoalSpec &goal);

// Counts and rates of the answers "score >= threshold" against the truth.
struct BinaryResult {
    std::size_t truePositives = 0, falsePositives = 0, trueNegatives = 0, falseNegatives = 0;
    double sensitivity = 0, specificity = 0, ppv = 0, npv = 0; // 0 when undefined
};

BinaryResult binaryAt(const OneVsRest &data, double threshold);

struct OperatingPoint {
    std::string className;
    GoalSpec goal;
    double threshold = 0.5;
    bool goalMet = true;  // false when no threshold reaches the target (the closest is kept)
    std::string fittedOn; // "val", or the dataset and split `cxr calibrate` used
    BinaryResult fitted;  // on the images it was chosen on
};

// The threshold for `goal` among the scores themselves (each a candidate).
// Throws std::invalid_argument when there is no positive or no negative
// image (no threshold can be chosen for a class without both), or for a
// Manual goal (a person chose it; refit by hand).
OperatingPoint chooseOperatingPoint(const OneVsRest &data,
                                    const std::string &className,
                                    const GoalSpec &goal,
                                    const std::string &fittedOn);

// What each point gives on these predictions (row-major probabilities,
// labels.size() x classes.size()); an empty result for a point whose class
// is not among `classes`.
std::vector<BinaryResult> resultsAt(const std::vector<OperatingPoint> &points,
                                    const std::vector<std::string> &classes,
                                    const std::vector<int> &labels,
                                    const std::vector<float> &probabilities);

// "CLASS:GOAL" (e.g. "COVID19:sensitivity>=0.95") -> class and goal.
// Throws std::invalid_argument naming the text.
std::pair<std::string, GoalSpec> parseClassGoal(const std::string &text);

// The model metadata's "operating_points" list ([] when absent or not
// ours), and the metadata with it replaced. Thresholds apply to the
// model's calibrated probabilities, so a new temperature needs new points.
std::vector<OperatingPoint> operatingPointsFromMetadata(const std::string &metadataJson);
std::string withOperatingPoints(const std::string &metadataJson,
                                const std::vector<OperatingPoint> &points);

} // namespace cxr
