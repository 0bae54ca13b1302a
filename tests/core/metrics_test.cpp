// SPDX-License-Identifier: MIT
#include <cmath>

#include <gtest/gtest.h>

#include "eval/metrics.h"

namespace cxr {
namespace {

// One-hot-ish probabilities predicting `predicted` for each sample.
std::vector<float> predicting(const std::vector<int> &predicted, int classes) {
    std::vector<float> p(predicted.size() * static_cast<std::size_t>(classes), 0.1f);
    for (std::size_t i = 0; i < predicted.size(); ++i)
        p[i * static_cast<std::size_t>(classes) + static_cast<std::size_t>(predicted[i])] = 0.7f;
    return p;
}

TEST(Metrics, HandComputedConfusionMatrix) {
    // truth:     0 0 0 0 1 1 2 2 2 2
    // predicted: 0 0 0 1 1 0 2 2 1 2
    const std::vector<int> truth = {0, 0, 0, 0, 1, 1, 2, 2, 2, 2};
    const std::vector<int> predicted = {0, 0, 0, 1, 1, 0, 2, 2, 1, 2};
    const Metrics m = computeMetrics(truth, predicting(predicted, 3), 3, 0.5);
    EXPECT_EQ(m.confusion,
              (std::vector<std::vector<std::size_t>>{{3, 1, 0}, {1, 1, 0}, {0, 1, 3}}));
    EXPECT_DOUBLE_EQ(m.accuracy, 0.7);
    // Recalls 3/4, 1/2, 3/4; precisions 3/4, 1/3, 1.
    EXPECT_DOUBLE_EQ(m.perClass[0].recall, 0.75);
    EXPECT_DOUBLE_EQ(m.perClass[1].recall, 0.5);
    EXPECT_DOUBLE_EQ(m.perClass[1].precision, 1.0 / 3.0);
    EXPECT_DOUBLE_EQ(m.perClass[2].precision, 1.0);
    EXPECT_DOUBLE_EQ(m.balancedAccuracy, (0.75 + 0.5 + 0.75) / 3);
    const double f1Second = 2 * (1.0 / 3) * 0.5 / (1.0 / 3 + 0.5);
    const double f1Third = 2 * 1.0 * 0.75 / 1.75;
    EXPECT_NEAR(m.macroF1, (0.75 + f1Second + f1Third) / 3, 1e-12);
    EXPECT_EQ(m.perClass[2].support, 4u);
    EXPECT_DOUBLE_EQ(m.loss, 0.5);
    // Class 1 against the rest: TP 1, FP 2, FN 1, TN 6.
    EXPECT_DOUBLE_EQ(m.perClass[1].specificity, 6.0 / 8.0);
    EXPECT_DOUBLE_EQ(m.perClass[1].npv, 6.0 / 7.0);
    // Class 0: TP 3, FP 1, FN 1, TN 5.
    EXPECT_DOUBLE_EQ(m.perClass[0].specificity, 5.0 / 6.0);
    EXPECT_DOUBLE_EQ(m.perClass[0].npv, 5.0 / 6.0);
}

TEST(Metrics, AConfusionMatrixGivesTheSameMetricsButTheAucs) {
    const std::vector<int> truth = {0, 0, 0, 0, 1, 1, 2, 2, 2, 2};
    const std::vector<int> predicted = {0, 0, 0, 1, 1, 0, 2, 2, 1, 2};
    const Metrics full = computeMetrics(truth, predicting(predicted, 3), 3, 0.5);
    const Metrics counted = metricsFromConfusion(full.confusion, 0.5);
    EXPECT_EQ(counted.count, 10u);
    EXPECT_DOUBLE_EQ(counted.accuracy, full.accuracy);
    EXPECT_DOUBLE_EQ(counted.balancedAccuracy, full.balancedAccuracy);
    EXPECT_DOUBLE_EQ(counted.macroF1, full.macroF1);
    for (std::size_t c = 0; c < 3; ++c) {
        EXPECT_DOUBLE_EQ(counted.perClass[c].precision, full.perClass[c].precision);
        EXPECT_DOUBLE_EQ(counted.perClass[c].recall, full.perClass[c].recall);
        EXPECT_EQ(counted.perClass[c].support, full.perClass[c].support);
        EXPECT_TRUE(std::isnan(counted.perClass[c].auc));
        EXPECT_FALSE(std::isnan(full.perClass[c].auc));
    }
}

TEST(Metrics, BalancedAccuracyIgnoresTheMajorityClassTrick) {
    // 95 normals, 5 COVID, everything called normal: accuracy 0.95, balanced 0.5.
    std::vector<int> truth(100, 0);
    for (int i = 95; i < 100; ++i)
        truth[static_cast<std::size_t>(i)] = 1;
    const Metrics m = computeMetrics(truth, predicting(std::vector<int>(100, 0), 2), 2);
    EXPECT_DOUBLE_EQ(m.accuracy, 0.95);
    EXPECT_DOUBLE_EQ(m.balancedAccuracy, 0.5);
    EXPECT_DOUBLE_EQ(m.perClass[1].recall, 0.0);
}

TEST(Metrics, RocAucWithTies) {
    // Scores for class 1: positives 0.9, 0.4; negatives 0.4, 0.1.
    // Pairs: (0.9>0.4) (0.9>0.1) (0.4=0.4 -> 1/2) (0.4>0.1): AUC = 3.5/4.
    const std::vector<int> truth = {1, 1, 0, 0};
    const std::vector<float> p = {0.1f, 0.9f, 0.6f, 0.4f, 0.6f, 0.4f, 0.9f, 0.1f};
    const Metrics m = computeMetrics(truth, p, 2);
    EXPECT_DOUBLE_EQ(m.perClass[1].auc, 3.5 / 4);
    EXPECT_DOUBLE_EQ(m.perClass[0].auc, 3.5 / 4);
    // A class with no positives has no AUC.
    const Metrics absent = computeMetrics({0, 0}, {0.9f, 0.1f, 0.8f, 0.2f}, 2);
    EXPECT_TRUE(std::isnan(absent.perClass[1].auc));
}

TEST(Metrics, BootstrapIntervalsBracketTheEstimate) {
    std::vector<int> truth, predicted;
    for (int i = 0; i < 200; ++i) {
        truth.push_back(i % 2);
        predicted.push_back(i % 5 == 0 ? 1 - i % 2 : i % 2); // 80% right
    }
    const auto p = predicting(predicted, 2);
    const MetricIntervals ci = bootstrapIntervals(truth, p, 2, 500, 3);
    EXPECT_LT(ci.accuracy.low, 0.8);
    EXPECT_GT(ci.accuracy.high, 0.8);
    EXPECT_GT(ci.accuracy.low, 0.7); // n = 200: the interval is about +-0.055
    EXPECT_LT(ci.accuracy.high, 0.9);
    ASSERT_EQ(ci.perClass.size(), 2u);
    for (const ClassIntervals &c : ci.perClass) {
        EXPECT_LT(c.sensitivity.low, 0.8);
        EXPECT_GT(c.sensitivity.high, 0.8);
        EXPECT_LT(c.auc.low, c.auc.high);
    }
    // An AUC interval needs both classes in a resample; with one image of
    // class 1 in 200, most resamples still have it, and the interval exists.
    const MetricIntervals again = bootstrapIntervals(truth, p, 2, 500, 3);
    EXPECT_EQ(ci.accuracy.low, again.accuracy.low); // seeded
}

TEST(Percentile, InterpolatesBetweenScores) {
    EXPECT_DOUBLE_EQ(percentileOf({5, 1, 3, 2, 4}, 50), 3);
    EXPECT_NEAR(percentileOf({1, 2, 3, 4, 5}, 99), 4.96, 1e-12);
    EXPECT_DOUBLE_EQ(percentileOf({7}, 99), 7);
    EXPECT_THROW(percentileOf({}, 99), std::invalid_argument);
}

} // namespace
} // namespace cxr
