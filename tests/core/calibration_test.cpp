// SPDX-License-Identifier: MIT
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "eval/calibration.h"

namespace cxr {
namespace {

// softmax(scale * z) rows for random logits z, and labels drawn from
// softmax(z): a model whose confidence is `scale` times too sharp, so the
// temperature that calibrates it is `scale`.
struct Synthetic {
    std::vector<float> probabilities;
    std::vector<int> labels;
};

Synthetic overconfident(double scale, int n, int classes, unsigned seed) {
    std::mt19937 random(seed);
    std::normal_distribution<double> logit(0.0, 1.5);
    std::uniform_real_distribution<double> draw(0.0, 1.0);
    Synthetic s;
    for (int i = 0; i < n; ++i) {
        std::vector<double> z(static_cast<std::size_t>(classes));
        for (double &v : z)
            v = logit(random);
        const auto softmax = [&z](double factor) {
            std::vector<double> p(z.size());
            double sum = 0;
            for (std::size_t c = 0; c < z.size(); ++c)
                sum += p[c] = std::exp(factor * z[c]);
            for (double &v : p)
                v /= sum;
            return p;
        };
        const std::vector<double> truth = softmax(1.0), shown = softmax(scale);
        double u = draw(random), cumulative = 0;
        int label = classes - 1;
        for (int c = 0; c < classes; ++c)
            if ((cumulative += truth[static_cast<std::size_t>(c)]) > u) {
                label = c;
                break;
            }
        s.labels.push_back(label);
        for (double p : shown)
            s.probabilities.push_back(static_cast<float>(p));
    }
    return s;
}

TEST(Calibration, TemperatureScalingRecoversTheOverconfidence) {
    const Synthetic s = overconfident(3.0, 6000, 4, 7);
    const double t = fitTemperature(s.probabilities, s.labels, 4);
    EXPECT_NEAR(t, 3.0, 0.3);
    const Calibration c = calibrate(s.probabilities, s.labels, 4, "synthetic");
    EXPECT_DOUBLE_EQ(c.temperature, t);
    EXPECT_GT(c.eceBefore, 0.1);
    EXPECT_LT(c.eceAfter, 0.03);
    EXPECT_LT(negativeLogLikelihood(s.probabilities, s.labels, 4, t),
              negativeLogLikelihood(s.probabilities, s.labels, 4, 1.0));
}

TEST(Calibration, ACalibratedModelKeepsATemperatureNearOne) {
    const Synthetic s = overconfident(1.0, 6000, 3, 11);
    EXPECT_NEAR(fitTemperature(s.probabilities, s.labels, 3), 1.0, 0.1);
    EXPECT_LT(expectedCalibrationError(s.probabilities, s.labels, 3), 0.03);
}

TEST(Calibration, ScalingNeverChangesThePrediction) {
    const Synthetic s = overconfident(2.0, 200, 4, 3);
    for (double t : {0.3, 1.0, 2.5, 10.0}) {
        const std::vector<float> scaled = applyTemperature(s.probabilities, 4, t);
        for (std::size_t i = 0; i < s.labels.size(); ++i) {
            const float *a = s.probabilities.data() + i * 4, *b = scaled.data() + i * 4;
            EXPECT_EQ(std::max_element(a, a + 4) - a, std::max_element(b, b + 4) - b);
            EXPECT_NEAR(b[0] + b[1] + b[2] + b[3], 1.0f, 1e-5f);
        }
    }
}

TEST(Calibration, ReliabilityDiagramByHand) {
    // Two images at confidence 0.95 (one right), one at 0.65 (right).
    const std::vector<float> p = {0.95f, 0.05f, 0.05f, 0.95f, 0.65f, 0.35f};
    const std::vector<int> labels = {0, 0, 0};
    const auto bins = reliabilityDiagram(p, labels, 2, 10);
    ASSERT_EQ(bins.size(), 10u);
    EXPECT_EQ(bins[9].count, 2u);
    EXPECT_NEAR(bins[9].confidence, 0.95, 1e-6);
    EXPECT_DOUBLE_EQ(bins[9].accuracy, 0.5);
    EXPECT_EQ(bins[6].count, 1u);
    // ECE = (2 * |0.5 - 0.95| + 1 * |1 - 0.65|) / 3
    EXPECT_NEAR(expectedCalibrationError(p, labels, 2, 10), (0.9 + 0.35) / 3, 1e-6);
}

TEST(Calibration, TravelsInTheModelsMetadata) {
    Calibration c;
    c.temperature = 1.7;
    c.fittedOn = "val";
    c.images = 12;
    c.eceBefore = 0.2;
    c.eceAfter = 0.05;
    const std::string metadata = withCalibration(R"({"config": {"seed": 3}})", c);
    const auto back = calibrationFromMetadata(metadata);
    ASSERT_TRUE(back.has_value());
    EXPECT_DOUBLE_EQ(back->temperature, 1.7);
    EXPECT_EQ(back->fittedOn, "val");
    EXPECT_EQ(back->images, 12u);
    EXPECT_NE(metadata.find("\"seed\":3"), std::string::npos); // the rest is kept
    EXPECT_FALSE(calibrationFromMetadata("{}").has_value());
    EXPECT_FALSE(calibrationFromMetadata("not json").has_value());
    EXPECT_FALSE(calibrationFromMetadata(R"({"calibration": {"temperature": -1}})").has_value());
    EXPECT_FALSE(calibrationFromMetadata(R"({"calibration": {"temperature": "2"}})").has_value());
}

} // namespace
} // namespace cxr
