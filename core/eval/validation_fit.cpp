// SPDX-License-Identifier: MIT
#include "eval/validation_fit.h"

#include <algorithm>
#include <stdexcept>

namespace cxr {

ValidationFit fitOnValidation(const std::vector<float> &probabilities,
                              const std::vector<int> &labels,
                              const std::vector<std::string> &classes,
                              ClassGoals goals,
                              const std::string &fittedOn) {
    const int k = static_cast<int>(classes.size());
    ValidationFit fit;
    fit.calibration = calibrate(probabilities, labels, k, fittedOn);
    const std::vector<float> scaled =
        applyTemperature(probabilities, k, fit.calibration.temperature);
    if (goals.empty())
        for (const std::string &name : classes)
            goals.emplace_back(name, GoalSpec{});
    for (const auto &[name, goal] : goals) {
        const auto it = std::find(classes.begin(), classes.end(), name);
        if (it == classes.end())
            throw std::invalid_argument("the model has no class \"" + name + "\"");
        try {
            fit.points.push_back(chooseOperatingPoint(
                oneVsRest(labels, scaled, k, static_cast<int>(it - classes.begin())),
                name,
                goal,
                fittedOn));
        } catch (const std::invalid_argument &e) {
            fit.notes.push_back(e.what());
        }
    }
    return fit;
}

ClassGoals goalsOf(const std::vector<OperatingPoint> &points) {
    ClassGoals goals;
    for (const OperatingPoint &p : points)
        goals.emplace_back(p.className, p.goal);
    return goals;
}

std::string withValidationFit(const std::string &metadataJson, const ValidationFit &fit) {
    return withOperatingPoints(withCalibration(metadataJson, fit.calibration), fit.points);
}

} // namespace cxr
