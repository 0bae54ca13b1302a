// SPDX-License-Identifier: MIT
#include "eval/metrics_json.h"

#include <cmath>

#include <nlohmann/json.hpp>

namespace cxr {

nlohmann::json metricsJson(const std::vector<std::string> &classes,
                           const Metrics &m,
                           const MetricIntervals &intervals) {
    auto number = [](double v) { return std::isnan(v) ? nlohmann::json() : nlohmann::json(v); };
    auto interval = [](const Interval &i) { return nlohmann::json::array({i.low, i.high}); };
    nlohmann::json perClass = nlohmann::json::object();
    for (std::size_t c = 0; c < classes.size() && c < m.perClass.size(); ++c) {
        const ClassMetrics &cm = m.perClass[c];
        perClass[classes[c]] = {
            {"precision", cm.precision},
            {"recall", cm.recall},
            {"f1", cm.f1},
            {"auc", number(cm.auc)},
            {"support", cm.support},
            {"recall_ci95",
             c < intervals.recall.size() ? interval(intervals.recall[c]) : nlohmann::json()}};
    }
    return {{"images", m.count},
            {"loss", m.loss},
            {"accuracy", m.accuracy},
            {"accuracy_ci95", interval(intervals.accuracy)},
            {"balanced_accuracy", m.balancedAccuracy},
            {"balanced_accuracy_ci95", interval(intervals.balancedAccuracy)},
            {"macro_f1", m.macroF1},
            {"macro_f1_ci95", interval(intervals.macroF1)},
            {"per_class", perClass},
            {"confusion", m.confusion}};
}

} // namespace cxr
