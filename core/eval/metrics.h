// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cxr {

// One class against the rest, the image called that class when it is the
// arg-max. Precision is the positive predictive value (PPV) and recall the
// sensitivity; the negative predictive value (NPV) and specificity are
// their counterparts for the images not of the class.
struct ClassMetrics {
    double precision = 0, recall = 0, f1 = 0;
    double specificity = 0, npv = 0;
    double auc = 0; // one-vs-rest ROC AUC; NaN when the class or its complement is absent
    std::size_t support = 0;
};

// Classification metrics of a set of predictions. On imbalanced data
// (CoronaHack has 58 COVID-19 images among 5,908) accuracy mostly measures
// the large classes; balanced accuracy (mean recall) and macro-F1 weigh
// every class equally.
struct Metrics {
    std::size_t count = 0;
    double loss = 0;
    double accuracy = 0;
    double balancedAccuracy = 0; // mean per-class recall over classes present
    double macroF1 = 0;          // mean per-class F1 over classes present
    std::vector<ClassMetrics> perClass;
    std::vector<std::vector<std::size_t>> confusion; // [true][predicted]
};

// probabilities: count x numClasses, row-major. labels: count.
Metrics computeMetrics(const std::vector<int> &labels,
                       const std::vector<float> &probabilities,
                       int numClasses,
                       double meanLoss = 0);

// One-vs-rest ROC AUC of class `positive` by the Mann-Whitney U statistic
// (ties count one half); NaN when the class or its complement is absent.
double rocAuc(const std::vector<int> &labels,
              const std::vector<float> &probabilities,
              int numClasses,
              int positive);

// The metrics a confusion matrix ([true][predicted] counts) determines:
// everything but the AUCs, which need the probabilities (NaN here).
Metrics metricsFromConfusion(const std::vector<std::vector<std::size_t>> &confusion,
                             double meanLoss = 0);

// The `percentile` (0-100) of scores, interpolated between neighbours.
// Throws std::invalid_argument for no scores.
double percentileOf(std::vector<double> scores, double percentile);

struct Interval {
    double low = 0, high = 0;
};

// One class's intervals, the fields of ClassMetrics.
struct ClassIntervals {
    Interval sensitivity, specificity, ppv, npv, f1, auc;
};

// 95% percentile bootstrap intervals (resampling images with replacement).
// A class absent from a resample (or, for the AUC, its complement) leaves
// that resample out of the class's intervals.
struct MetricIntervals {
    Interval accuracy, balancedAccuracy, macroF1;
    std::vector<ClassIntervals> perClass;
};

MetricIntervals bootstrapIntervals(const std::vector<int> &labels,
                                   const std::vector<float> &probabilities,
                                   int numClasses,
                                   int iterations = 1000,
                                   std::uint64_t seed = 1);

} // namespace cxr
