// SPDX-License-Identifier: MIT
#include <stdexcept>

#include <gtest/gtest.h>

#include "eval/operating_point.h"
#include "eval/validation_fit.h"

namespace cxr {
namespace {

// Scores for "COVID19" (positive) against the rest, highest first:
// ROC points (fpr, tpr) at each threshold: 0.9 (0, .2), 0.8 (1/7, .2),
// 0.7 (1/7, .6), 0.6 (2/7, .6), 0.55 (3/7, .6), 0.5 (3/7, .8),
// 0.4 (4/7, .8), 0.3 (5/7, 1), 0.2 (6/7, 1), 0.1 (1, 1).
OneVsRest twelveImages() {
    OneVsRest data;
    data.scores = {0.9f, 0.8f, 0.7f, 0.7f, 0.6f, 0.55f, 0.5f, 0.4f, 0.3f, 0.3f, 0.2f, 0.1f};
    data.positive = {true, false, true, true, false, false, true, false, false, true, false, false};
    return data;
}

TEST(OperatingPoint, YoudenIsTheHandComputedBest) {
    // J = tpr - fpr is largest at 0.7: 0.6 - 1/7.
    const OperatingPoint p =
        chooseOperatingPoint(twelveImages(), "COVID19", parseGoal("youden"), "val");
    EXPECT_NEAR(p.threshold, 0.7, 1e-6);
    EXPECT_DOUBLE_EQ(p.fitted.sensitivity, 0.6);
    EXPECT_DOUBLE_EQ(p.fitted.specificity, 6.0 / 7.0);
    EXPECT_EQ(p.fitted.truePositives, 3u);
    EXPECT_EQ(p.fitted.falsePositives, 1u);
    EXPECT_DOUBLE_EQ(p.fitted.ppv, 0.75);
    EXPECT_DOUBLE_EQ(p.fitted.npv, 6.0 / 8.0);
    EXPECT_TRUE(p.goalMet);
}

TEST(OperatingPoint, SensitivityGoalTakesTheMostSpecificThresholdReachingIt) {
    // Sensitivity >= 0.8 first holds at 0.5 (specificity 4/7); 0.4 has it too,
    // less specific.
    const OperatingPoint p =
        chooseOperatingPoint(twelveImages(), "COVID19", parseGoal("sensitivity>=0.8"), "val");
    EXPECT_NEAR(p.threshold, 0.5, 1e-6);
    EXPECT_DOUBLE_EQ(p.fitted.specificity, 4.0 / 7.0);
    EXPECT_TRUE(p.goalMet);
    // Sensitivity 1 needs 0.3.
    EXPECT_NEAR(
        chooseOperatingPoint(twelveImages(), "C", parseGoal("sensitivity>=1"), "val").threshold,
        0.3,
        1e-6);
}

TEST(OperatingPoint, SpecificityGoalTakesTheMostSensitiveThresholdKeepingIt) {
    // Specificity >= 0.7 (fpr <= 0.3) allows 0.9 ... 0.6; 0.7 and 0.6 both
    // give sensitivity 0.6, and 0.7 is the more specific of the two.
    const OperatingPoint p =
        chooseOperatingPoint(twelveImages(), "COVID19", parseGoal("specificity>=0.7"), "val");
    EXPECT_NEAR(p.threshold, 0.7, 1e-6);
    EXPECT_DOUBLE_EQ(p.fitted.sensitivity, 0.6);
}

TEST(OperatingPoint, ParsesGoalsAndRefusesOthers) {
    EXPECT_EQ(parseGoal("youden").goal, OperatingGoal::Youden);
    const GoalSpec s = parseGoal("sensitivity>=0.95");
    EXPECT_EQ(s.goal, OperatingGoal::Sensitivity);
    EXPECT_DOUBLE_EQ(s.target, 0.95);
    EXPECT_EQ(goalText(s), "sensitivity>=0.95");
    EXPECT_EQ(goalText(parseGoal("manual")), "manual");
    EXPECT_THROW(chooseOperatingPoint(twelveImages(), "C", parseGoal("manual"), "val"),
                 std::invalid_argument);
    for (const char *bad : {"",
                            "youden>=0.5",
                            "sensitivity",
                            "sensitivity>=",
                            "sensitivity>=1.5",
                            "specificity>=0",
                            "specificity>=0.9x",
                            "accuracy>=0.9"})
        EXPECT_THROW(parseGoal(bad), std::invalid_argument) << bad;
    const auto [name, goal] = parseClassGoal("COVID19:sensitivity>=0.9");
    EXPECT_EQ(name, "COVID19");
    EXPECT_EQ(goal.goal, OperatingGoal::Sensitivity);
    EXPECT_THROW(parseClassGoal("youden"), std::invalid_argument);
}

TEST(OperatingPoint, NeedsPositivesAndNegatives) {
    OneVsRest data;
    data.scores = {0.3f, 0.6f};
    data.positive = {true, true};
    EXPECT_THROW(chooseOperatingPoint(data, "C", GoalSpec{}, "val"), std::invalid_argument);
}

TEST(OperatingPoint, MetadataRoundTripKeepsOtherKeysAndSkipsDamagedEntries) {
    const OperatingPoint p =
        chooseOperatingPoint(twelveImages(), "COVID19", parseGoal("sensitivity>=0.8"), "val");
    const std::string json = withOperatingPoints(R"({"calibration": {"temperature": 2}})", {p});
    EXPECT_NE(json.find("\"calibration\""), std::string::npos);
    const auto back = operatingPointsFromMetadata(json);
    ASSERT_EQ(back.size(), 1u);
    EXPECT_EQ(back[0].className, "COVID19");
    EXPECT_EQ(goalText(back[0].goal), "sensitivity>=0.8");
    EXPECT_DOUBLE_EQ(back[0].threshold, p.threshold);
    EXPECT_DOUBLE_EQ(back[0].fitted.specificity, p.fitted.specificity);
    // A threshold that is no probability and an entry without a goal are left out.
    const auto some = operatingPointsFromMetadata(
        R"({"operating_points": [{"class": "A", "goal": "youden", "threshold": 7},
                                  {"class": "B", "threshold": 0.5},
                                  {"class": "C", "goal": "youden", "threshold": 0.25}]})");
    ASSERT_EQ(some.size(), 1u);
    EXPECT_EQ(some[0].className, "C");
    EXPECT_TRUE(operatingPointsFromMetadata("not json").empty());
}

TEST(ValidationFit, ThresholdsAreOnTheCalibratedScale) {
    // An over-confident two-class model: probabilities pushed to 0.02 / 0.98
    // with one mistake in ten each way. The fitted temperature softens them,
    // and the Youden threshold is one of the softened probabilities.
    std::vector<int> labels;
    std::vector<float> probabilities;
    for (int i = 0; i < 40; ++i) {
        const int label = i % 2;
        const bool wrong = i % 10 < 2;
        const float p1 = (label == 1) != wrong ? 0.98f : 0.02f;
        labels.push_back(label);
        probabilities.push_back(1 - p1);
        probabilities.push_back(p1);
    }
    const ValidationFit fit =
        fitOnValidation(probabilities, labels, {"NORMAL", "PNEUMONIA"}, {}, "val");
    EXPECT_GT(fit.calibration.temperature, 1.0);
    ASSERT_EQ(fit.points.size(), 2u); // Youden for each class by default
    const std::vector<float> scaled =
        applyTemperature(probabilities, 2, fit.calibration.temperature);
    EXPECT_NEAR(fit.points[1].threshold, scaled[7], 1e-6); // image 3: a softened "0.98"
    EXPECT_LT(fit.points[1].threshold, 0.98);
    EXPECT_THROW(
        fitOnValidation(
            probabilities, labels, {"NORMAL", "PNEUMONIA"}, {{"COVID19", GoalSpec{}}}, "val"),
        std::invalid_argument);
    // A class absent from the images gets a note, not a point.
    const ValidationFit oneClass =
        fitOnValidation({0.9f, 0.1f, 0.8f, 0.2f}, {0, 0}, {"NORMAL", "PNEUMONIA"}, {}, "val");
    EXPECT_TRUE(oneClass.points.empty());
    EXPECT_EQ(oneClass.notes.size(), 2u);
}

} // namespace
} // namespace cxr
