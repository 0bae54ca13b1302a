// SPDX-License-Identifier: MIT
#include <cmath>

#include <gtest/gtest.h>

#include "eval/curves.h"
#include "eval/metrics.h"

namespace cxr {
namespace {

// Twelve images, five positive, with a tie between a positive and a
// negative... (0.7, 0.7 both positive) and (0.3: one of each).
OneVsRest twelveImages() {
    OneVsRest data;
    data.scores = {0.9f, 0.8f, 0.7f, 0.7f, 0.6f, 0.55f, 0.5f, 0.4f, 0.3f, 0.3f, 0.2f, 0.1f};
    data.positive = {true, false, true, true, false, false, true, false, false, true, false, false};
    return data;
}

// The known answers below were computed once with scikit-learn 1.2
// (roc_curve with drop_intermediate=False, roc_auc_score,
// precision_recall_curve, average_precision_score) on the same data.
TEST(Curves, RocCurveMatchesScikitLearn) {
    const RocCurve roc = rocCurve(twelveImages());
    const std::vector<double> fpr = {
        0, 0, 1 / 7., 1 / 7., 2 / 7., 3 / 7., 3 / 7., 4 / 7., 5 / 7., 6 / 7., 1};
    const std::vector<double> tpr = {0, 0.2, 0.2, 0.6, 0.6, 0.6, 0.8, 0.8, 1, 1, 1};
    ASSERT_EQ(roc.falsePositiveRate.size(), fpr.size());
    for (std::size_t i = 0; i < fpr.size(); ++i) {
        EXPECT_NEAR(roc.falsePositiveRate[i], fpr[i], 1e-12) << "point " << i;
        EXPECT_NEAR(roc.truePositiveRate[i], tpr[i], 1e-12) << "point " << i;
    }
    EXPECT_TRUE(std::isinf(roc.thresholds[0]));
    EXPECT_NEAR(roc.thresholds[3], 0.7, 1e-6);
    EXPECT_NEAR(curveArea(roc), 0.7285714285714285, 1e-12);
}

TEST(Curves, TrapezoidalAreaEqualsTheRankStatistic) {
    const OneVsRest data = twelveImages();
    std::vector<int> labels;
    std::vector<float> probabilities;
    for (std::size_t i = 0; i < data.scores.size(); ++i) {
        labels.push_back(data.positive[i] ? 1 : 0);
        probabilities.push_back(1 - data.scores[i]);
        probabilities.push_back(data.scores[i]);
    }
    EXPECT_NEAR(curveArea(rocCurve(data)), rocAuc(labels, probabilities, 2, 1), 1e-12);
}

TEST(Curves, AveragePrecisionMatchesScikitLearn) {
    const PrCurve pr = precisionRecallCurve(twelveImages());
    EXPECT_NEAR(pr.averagePrecision, 0.7142857142857142, 1e-12);
    // From the highest threshold down until every positive is found.
    const std::vector<double> precision = {1, 0.5, 0.75, 0.6, 0.5, 4 / 7., 0.5, 0.5};
    const std::vector<double> recall = {0.2, 0.2, 0.6, 0.6, 0.6, 0.8, 0.8, 1};
    ASSERT_EQ(pr.precision.size(), precision.size());
    for (std::size_t i = 0; i < precision.size(); ++i) {
        EXPECT_NEAR(pr.precision[i], precision[i], 1e-12) << "point " << i;
        EXPECT_NEAR(pr.recall[i], recall[i], 1e-12) << "point " << i;
    }
}

TEST(Curves, AClassWithoutPositivesHasNoCurves) {
    OneVsRest data;
    data.scores = {0.2f, 0.4f};
    data.positive = {false, false};
    EXPECT_TRUE(rocCurve(data).thresholds.empty());
    EXPECT_TRUE(std::isnan(precisionRecallCurve(data).averagePrecision));
}

TEST(Curves, EveryClassOfAPredictionSet) {
    const std::vector<int> labels = {0, 1, 2, 2};
    const std::vector<float> p = {
        0.8f, 0.1f, 0.1f, 0.2f, 0.7f, 0.1f, 0.1f, 0.2f, 0.7f, 0.3f, 0.3f, 0.4f};
    const auto curves = classCurves(labels, p, 3);
    ASSERT_EQ(curves.size(), 3u);
    for (const ClassCurves &c : curves) {
        EXPECT_DOUBLE_EQ(curveArea(c.roc), 1.0); // each class ranked first by its own column
        EXPECT_DOUBLE_EQ(c.pr.averagePrecision, 1.0);
    }
}

} // namespace
} // namespace cxr
