// SPDX-License-Identifier: MIT
#pragma once

#include <vector>

namespace cxr {

// One class against the rest: each image's probability of the class and
// whether the image is of it.
struct OneVsRest {
    std::vector<float> scores;
    std::vector<bool> positive;
};

// Column `positive` of row-major probabilities (labels.size() x classes).
OneVsRest oneVsRest(const std::vector<int> &labels,
                    const std::vector<float> &probabilities,
                    int classes,
                    int positive);

// A ROC curve: one point per distinct score, from the highest threshold
// (nothing called positive: (0, 0)) down to the lowest ((1, 1)). Point i
// calls positive every image whose score is >= thresholds[i]; the first
// point's threshold is +infinity. Its trapezoidal area equals the
// Mann-Whitney AUC with ties counted one half (rocAuc in metrics.h).
struct RocCurve {
    std::vector<double> falsePositiveRate, truePositiveRate, thresholds;
};

// Empty when there is no positive or no negative image.
RocCurve rocCurve(const OneVsRest &data);

// Area under a ROC curve by the trapezoidal rule.
double curveArea(const RocCurve &curve);

// A precision-recall curve, thresholds as in RocCurve but without the
// +infinity point: recall rises from the first threshold to 1. Average
// precision is the step-wise area sum over thresholds of
// (recall_i - recall_{i-1}) * precision_i, as scikit-learn computes it
// (no interpolation, which would be optimistic).
struct PrCurve {
    std::vector<double> recall, precision, thresholds;
    double averagePrecision = 0;
};

// Empty (average precision NaN) when there is no positive image.
PrCurve precisionRecallCurve(const OneVsRest &data);

// One class's curves against the rest.
struct ClassCurves {
    RocCurve roc;
    PrCurve pr;
};

// Every class's curves, from row-major probabilities (labels.size() x classes).
std::vector<ClassCurves>
classCurves(const std::vector<int> &labels, const std::vector<float> &probabilities, int classes);

} // namespace cxr
