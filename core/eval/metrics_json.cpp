// SPDX-License-Identifier: MIT
#include "eval/metrics_json.h"

#include <cmath>

#include <nlohmann/json.hpp>

namespace cxr {

nlohmann::json metricsJson(const std::vector<std::string> &classes,
                           const Metrics &m,
                           const MetricIntervals &intervals) {
    auto number = [](double v) { return std::isnan(v) ? nlohmann::json() : nlohmann::json(v); };
    auto interval = [&number](const Interval &i) {
        return nlohmann::json::array({number(i.low), number(i.high)});
    };
    nlohmann::json perClass = nlohmann::json::object();
    nlohmann::json aucs = nlohmann::json::object(), aucIntervals = nlohmann::json::object();
    for (std::size_t c = 0; c < classes.size() && c < m.perClass.size(); ++c) {
        const ClassMetrics &cm = m.perClass[c];
        const ClassIntervals ci =
            c < intervals.perClass.size() ? intervals.perClass[c] : ClassIntervals{};
        perClass[classes[c]] = {{"precision", cm.precision},
                                {"recall", cm.recall},
                                {"recall_ci95", interval(ci.sensitivity)},
                                {"sensitivity", cm.recall},
                                {"sensitivity_ci95", interval(ci.sensitivity)},
                                {"specificity", cm.specificity},
                                {"specificity_ci95", interval(ci.specificity)},
                                {"ppv", cm.precision},
                                {"ppv_ci95", interval(ci.ppv)},
                                {"npv", cm.npv},
                                {"npv_ci95", interval(ci.npv)},
                                {"f1", cm.f1},
                                {"f1_ci95", interval(ci.f1)},
                                {"auc", number(cm.auc)},
                                {"auc_ci95", interval(ci.auc)},
                                {"support", cm.support}};
        aucs[classes[c]] = number(cm.auc);
        aucIntervals[classes[c]] = interval(ci.auc);
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
            {"roc_auc", aucs},
            {"roc_auc_ci95", aucIntervals},
            {"confusion", m.confusion}};
}

namespace {

nlohmann::json finiteOrNull(const std::vector<double> &values) {
    nlohmann::json list = nlohmann::json::array();
    for (double v : values)
        list.push_back(std::isfinite(v) ? nlohmann::json(v) : nlohmann::json());
    return list;
}

nlohmann::json rates(const BinaryResult &r) {
    return {{"sensitivity", r.sensitivity},
            {"specificity", r.specificity},
            {"ppv", r.ppv},
            {"npv", r.npv}};
}

} // namespace

nlohmann::json curvesJson(const std::vector<std::string> &classes,
                          const std::vector<ClassCurves> &curves) {
    nlohmann::json roc = nlohmann::json::object(), pr = nlohmann::json::object();
    for (std::size_t c = 0; c < classes.size() && c < curves.size(); ++c) {
        const ClassCurves &k = curves[c];
        roc[classes[c]] = {{"fpr", k.roc.falsePositiveRate},
                           {"tpr", k.roc.truePositiveRate},
                           {"thresholds", finiteOrNull(k.roc.thresholds)}};
        pr[classes[c]] = {{"recall", k.pr.recall},
                          {"precision", k.pr.precision},
                          {"thresholds", k.pr.thresholds},
                          {"average_precision",
                           std::isnan(k.pr.averagePrecision)
                               ? nlohmann::json()
                               : nlohmann::json(k.pr.averagePrecision)}};
    }
    return {{"roc_curves", roc}, {"pr_curves", pr}};
}

nlohmann::json operatingPointsJson(const std::vector<OperatingPoint> &points,
                                   const std::vector<BinaryResult> &results) {
    nlohmann::json list = nlohmann::json::array();
    for (std::size_t i = 0; i < points.size(); ++i) {
        const OperatingPoint &p = points[i];
        nlohmann::json entry = {{"class", p.className},
                                {"goal", goalText(p.goal)},
                                {"threshold", p.threshold},
                                {"goal_met", p.goalMet},
                                {"fitted_on", p.fittedOn},
                                {"fitted", rates(p.fitted)}};
        if (i < results.size()) {
            const BinaryResult &r = results[i];
            entry["here"] = rates(r);
            entry["here"]["true_positives"] = r.truePositives;
            entry["here"]["false_positives"] = r.falsePositives;
            entry["here"]["true_negatives"] = r.trueNegatives;
            entry["here"]["false_negatives"] = r.falseNegatives;
        }
        list.push_back(entry);
    }
    return list;
}

nlohmann::json reliabilityJson(const std::vector<ReliabilityBin> &bins) {
    nlohmann::json out = nlohmann::json::array();
    for (const ReliabilityBin &bin : bins)
        out.push_back({{"lower", bin.lower},
                       {"upper", bin.upper},
                       {"count", bin.count},
                       {"confidence", bin.confidence},
                       {"accuracy", bin.accuracy}});
    return out;
}

std::vector<ReliabilityBin> reliabilityFromJson(const nlohmann::json &json) {
    std::vector<ReliabilityBin> bins;
    if (!json.is_array())
        return bins;
    try {
        for (const nlohmann::json &item : json) {
            ReliabilityBin bin;
            bin.lower = item.at("lower").get<double>();
            bin.upper = item.at("upper").get<double>();
            bin.count = item.at("count").get<std::size_t>();
            bin.confidence = item.at("confidence").get<double>();
            bin.accuracy = item.at("accuracy").get<double>();
            bins.push_back(bin);
        }
    } catch (const nlohmann::json::exception &) {
        return {};
    }
    return bins;
}

} // namespace cxr
