// SPDX-License-Identifier: MIT
#include "eval/curves.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace cxr {
namespace {

// Counts of positives and negatives at or above each distinct score,
// highest score first: what every point of both curves is made of.
struct Cumulative {
    std::vector<double> thresholds;
    std::vector<std::size_t> truePositives, falsePositives;
    std::size_t positives = 0, negatives = 0;
};

Cumulative cumulative(const OneVsRest &data) {
    std::vector<std::size_t> order(data.scores.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&data](std::size_t a, std::size_t b) {
        return data.scores[a] > data.scores[b];
    });
    Cumulative out;
    for (std::size_t i = 0; i < order.size();) {
        const float score = data.scores[order[i]];
        for (; i < order.size() && data.scores[order[i]] == score; ++i)
            ++(data.positive[order[i]] ? out.positives : out.negatives);
        out.thresholds.push_back(score);
        out.truePositives.push_back(out.positives);
        out.falsePositives.push_back(out.negatives);
    }
    return out;
}

} // namespace

OneVsRest oneVsRest(const std::vector<int> &labels,
                    const std::vector<float> &probabilities,
                    int classes,
                    int positive) {
    OneVsRest out;
    const auto k = static_cast<std::size_t>(classes);
    for (std::size_t i = 0; i < labels.size(); ++i) {
        out.scores.push_back(probabilities[i * k + static_cast<std::size_t>(positive)]);
        out.positive.push_back(labels[i] == positive);
    }
    return out;
}

RocCurve rocCurve(const OneVsRest &data) {
    const Cumulative c = cumulative(data);
    RocCurve curve;
    if (c.positives == 0 || c.negatives == 0)
        return curve;
    curve.falsePositiveRate.push_back(0);
    curve.truePositiveRate.push_back(0);
    curve.thresholds.push_back(std::numeric_limits<double>::infinity());
    for (std::size_t i = 0; i < c.thresholds.size(); ++i) {
        curve.falsePositiveRate.push_back(static_cast<double>(c.falsePositives[i]) /
                                          static_cast<double>(c.negatives));
        curve.truePositiveRate.push_back(static_cast<double>(c.truePositives[i]) /
                                         static_cast<double>(c.positives));
        curve.thresholds.push_back(c.thresholds[i]);
    }
    return curve;
}

double curveArea(const RocCurve &curve) {
    double area = 0;
    for (std::size_t i = 1; i < curve.falsePositiveRate.size(); ++i)
        area += (curve.falsePositiveRate[i] - curve.falsePositiveRate[i - 1]) *
                (curve.truePositiveRate[i] + curve.truePositiveRate[i - 1]) / 2;
    return area;
}

PrCurve precisionRecallCurve(const OneVsRest &data) {
    const Cumulative c = cumulative(data);
    PrCurve curve;
    if (c.positives == 0) {
        curve.averagePrecision = std::numeric_limits<double>::quiet_NaN();
        return curve;
    }
    double previousRecall = 0;
    for (std::size_t i = 0; i < c.thresholds.size(); ++i) {
        const double called = static_cast<double>(c.truePositives[i] + c.falsePositives[i]);
        const double precision = static_cast<double>(c.truePositives[i]) / called;
        const double recall =
            static_cast<double>(c.truePositives[i]) / static_cast<double>(c.positives);
        curve.averagePrecision += (recall - previousRecall) * precision;
        previousRecall = recall;
        curve.recall.push_back(recall);
        curve.precision.push_back(precision);
        curve.thresholds.push_back(c.thresholds[i]);
        if (c.truePositives[i] == c.positives)
            break; // lower thresholds add false positives only
    }
    return curve;
}

std::vector<ClassCurves>
classCurves(const std::vector<int> &labels, const std::vector<float> &probabilities, int classes) {
    std::vector<ClassCurves> curves;
    for (int c = 0; c < classes; ++c) {
        const OneVsRest data = oneVsRest(labels, probabilities, classes, c);
        curves.push_back({rocCurve(data), precisionRecallCurve(data)});
    }
    return curves;
}

} // namespace cxr
