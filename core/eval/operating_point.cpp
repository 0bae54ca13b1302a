// SPDX-License-Identifier: MIT
#include "eval/operating_point.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "enum_names.h"

namespace cxr {
namespace {

constexpr EnumName<OperatingGoal> kGoalNames[] = {
    {OperatingGoal::Youden, "youden"},
    {OperatingGoal::Sensitivity, "sensitivity"},
    {OperatingGoal::Specificity, "specificity"},
    {OperatingGoal::Manual, "manual"},
};

double ratio(std::size_t part, std::size_t whole) {
    return whole ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

const char *kGoalForms = "youden, manual, sensitivity>=X or specificity>=X with X in (0, 1]";

bool takesTarget(OperatingGoal goal) {
    return goal == OperatingGoal::Sensitivity || goal == OperatingGoal::Specificity;
}

// How well a result meets the goal, larger is better; and whether it does.
double merit(const GoalSpec &goal, const BinaryResult &r, bool &met) {
    switch (goal.goal) {
    case OperatingGoal::Youden:
        met = true;
        return r.sensitivity + r.specificity - 1;
    case OperatingGoal::Sensitivity:
        met = r.sensitivity >= goal.target;
        // Among thresholds meeting the target the most specific; below it,
        // the nearest to the target.
        return met ? 1 + r.specificity : r.sensitivity;
    case OperatingGoal::Specificity:
        met = r.specificity >= goal.target;
        return met ? 1 + r.sensitivity : r.specificity;
    case OperatingGoal::Manual:
        break;
    }
    throw std::logic_error("an operating goal without a rule");
}

} // namespace

GoalSpec parseGoal(const std::string &text) {
    GoalSpec spec;
    const auto at = text.find(">=");
    const std::string name = text.substr(0, at);
    const auto goal = parseName(kGoalNames, name);
    if (!goal || takesTarget(*goal) == (at == std::string::npos))
        throw std::invalid_argument("\"" + text + "\" is not a goal (" + kGoalForms + ")");
    spec.goal = *goal;
    if (at != std::string::npos) {
        const std::string number = text.substr(at + 2);
        std::size_t used = 0;
        try {
            spec.target = std::stod(number, &used);
        } catch (const std::exception &) {
            used = 0;
        }
        if (used == 0 || used != number.size() || !(spec.target > 0 && spec.target <= 1))
            throw std::invalid_argument("\"" + text + "\" is not a goal (" + kGoalForms + ")");
    }
    return spec;
}

std::string goalText(const GoalSpec &goal) {
    std::string text = nameOf(kGoalNames, goal.goal);
    if (takesTarget(goal.goal)) {
        char number[32];
        std::snprintf(number, sizeof number, "%g", goal.target);
        text += std::string(">=") + number;
    }
    return text;
}

BinaryResult binaryAt(const OneVsRest &data, double threshold) {
    BinaryResult r;
    for (std::size_t i = 0; i < data.scores.size(); ++i) {
        const bool called = data.scores[i] >= threshold;
        if (data.positive[i])
            ++(called ? r.truePositives : r.falseNegatives);
        else
            ++(called ? r.falsePositives : r.trueNegatives);
    }
    r.sensitivity = ratio(r.truePositives, r.truePositives + r.falseNegatives);
    r.specificity = ratio(r.trueNegatives, r.trueNegatives + r.falsePositives);
    r.ppv = ratio(r.truePositives, r.truePositives + r.falsePositives);
    r.npv = ratio(r.trueNegatives, r.trueNegatives + r.falseNegatives);
    return r;
}

OperatingPoint chooseOperatingPoint(const OneVsRest &data,
                                    const std::string &className,
                                    const GoalSpec &goal,
                                    const std::string &fittedOn) {
    if (goal.goal == OperatingGoal::Manual)
        throw std::invalid_argument("the threshold of " + className +
                                    " was set by hand: set it again on the Evaluation page");
    const RocCurve roc = rocCurve(data);
    if (roc.thresholds.empty())
        throw std::invalid_argument("no operating point for " + className +
                                    ": the images need both " + className + " and other classes");
    OperatingPoint best;
    best.className = className;
    best.goal = goal;
    best.fittedOn = fittedOn;
    double bestMerit = -INFINITY;
    // Thresholds from the highest down (ROC order), skipping +infinity; a
    // tie keeps the higher threshold, the more conservative call.
    for (std::size_t i = 1; i < roc.thresholds.size(); ++i) {
        const BinaryResult r = binaryAt(data, roc.thresholds[i]);
        bool met = false;
        const double m = merit(goal, r, met);
        if (m > bestMerit) {
            bestMerit = m;
            best.threshold = roc.thresholds[i];
            best.goalMet = met;
            best.fitted = r;
        }
    }
    return best;
}

std::vector<BinaryResult> resultsAt(const std::vector<OperatingPoint> &points,
                                    const std::vector<std::string> &classes,
                                    const std::vector<int> &labels,
                                    const std::vector<float> &probabilities) {
    std::vector<BinaryResult> results;
    for (const OperatingPoint &point : points) {
        const auto it = std::find(classes.begin(), classes.end(), point.className);
        results.push_back(it == classes.end()
                              ? BinaryResult{}
                              : binaryAt(oneVsRest(labels,
                                                   probabilities,
                                                   static_cast<int>(classes.size()),
                                                   static_cast<int>(it - classes.begin())),
                                         point.threshold));
    }
    return results;
}

std::pair<std::string, GoalSpec> parseClassGoal(const std::string &text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0)
        throw std::invalid_argument("\"" + text + "\" is not CLASS:GOAL (GOAL: " + kGoalForms +
                                    ")");
    return {text.substr(0, colon), parseGoal(text.substr(colon + 1))};
}

std::vector<OperatingPoint> operatingPointsFromMetadata(const std::string &metadataJson) {
    const nlohmann::json metadata = nlohmann::json::parse(metadataJson, nullptr, false);
    std::vector<OperatingPoint> points;
    if (metadata.is_discarded() || !metadata.is_object() ||
        !metadata.contains("operating_points") || !metadata["operating_points"].is_array())
        return points;
    for (const nlohmann::json &entry : metadata["operating_points"]) {
        try {
            OperatingPoint p;
            p.className = entry.at("class").get<std::string>();
            p.goal = parseGoal(entry.at("goal").get<std::string>());
            p.threshold = entry.at("threshold").get<double>();
            if (!(p.threshold >= 0 && p.threshold <= 1))
                continue; // not a probability: not ours, or damaged
            p.goalMet = entry.value("goal_met", true);
            p.fittedOn = entry.value("fitted_on", std::string());
            p.fitted.sensitivity = entry.value("sensitivity", 0.0);
            p.fitted.specificity = entry.value("specificity", 0.0);
            p.fitted.ppv = entry.value("ppv", 0.0);
            p.fitted.npv = entry.value("npv", 0.0);
            points.push_back(p);
        } catch (const std::exception &) {
            continue; // a damaged entry is left out, the others still apply
        }
    }
    return points;
}

std::string withOperatingPoints(const std::string &metadataJson,
                                const std::vector<OperatingPoint> &points) {
    nlohmann::json metadata = nlohmann::json::parse(metadataJson, nullptr, false);
    if (metadata.is_discarded() || !metadata.is_object())
        metadata = nlohmann::json::object();
    nlohmann::json list = nlohmann::json::array();
    for (const OperatingPoint &p : points)
        list.push_back({{"class", p.className},
                        {"goal", goalText(p.goal)},
                        {"threshold", p.threshold},
                        {"goal_met", p.goalMet},
                        {"fitted_on", p.fittedOn},
                        {"sensitivity", p.fitted.sensitivity},
                        {"specificity", p.fitted.specificity},
                        {"ppv", p.fitted.ppv},
                        {"npv", p.fitted.npv}});
    metadata["operating_points"] = list;
    return metadata.dump();
}

} // namespace cxr
