// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "infer/ood_gate.h"

namespace cxr {
namespace {

// Two classes of 64-dimensional features that vary only within an
// 8-dimensional subspace (plus a little noise everywhere), as a trained
// network's features vary within the directions its training images span.
struct Clusters {
    torch::Tensor features;
    std::vector<int> labels;
};

Clusters clusters(int perClass, std::uint64_t seed) {
    torch::manual_seed(seed);
    Clusters out;
    std::vector<torch::Tensor> rows;
    for (int c = 0; c < 2; ++c) {
        const torch::Tensor centre = torch::full({64}, c == 0 ? -1.0 : 1.0);
        for (int i = 0; i < perClass; ++i) {
            torch::Tensor inside = torch::zeros({64});
            inside.slice(0, 0, 8) = torch::randn({8}) * 2.0;
            rows.push_back(centre + inside + torch::randn({64}) * 0.05);
            out.labels.push_back(c);
        }
    }
    out.features = torch::stack(rows);
    return out;
}

TEST(OodGate, TrainingLikeImagesScoreNearOneAndForeignOnesFarAbove) {
    const Clusters train = clusters(100, 1);
    OodGate gate = OodGate::fit(train.features, train.labels, 2);
    EXPECT_GE(gate.components(), 1);
    EXPECT_LE(gate.components(), 9); // the 8 directions and little of the noise
    const Clusters heldOut = clusters(50, 2);
    const std::vector<double> inScores = gate.score(heldOut.features);
    gate.setThreshold(inScores, 99);
    double mean = 0;
    for (double s : inScores)
        mean += s / static_cast<double>(inScores.size());
    EXPECT_GT(mean, 0.3);
    EXPECT_LT(mean, 3.0);
    // Same overall size, but energy in directions the training never used.
    torch::manual_seed(3);
    torch::Tensor foreign = torch::full({20, 64}, 1.0);
    foreign.slice(1, 8, 16) += torch::randn({20, 8}) * 2.0;
    for (double s : gate.score(foreign))
        EXPECT_GT(s, 10 * gate.threshold());
}

TEST(OodGate, ThresholdIsThePercentileOfTheHeldOutScores) {
    const Clusters train = clusters(40, 1);
    OodGate gate = OodGate::fit(train.features, train.labels, 2);
    gate.setThreshold({1, 2, 3, 4, 5}, 50);
    EXPECT_DOUBLE_EQ(gate.threshold(), 3);
    gate.setThreshold({1, 2, 3, 4, 5}, 99);
    EXPECT_NEAR(gate.threshold(), 4.96, 1e-12);
    EXPECT_THROW(gate.setThreshold({}, 99), std::invalid_argument);
}

TEST(OodGate, StoredStateRoundTripsAndDamageIsRefused) {
    const Clusters train = clusters(40, 1);
    OodGate gate = OodGate::fit(train.features, train.labels, 2);
    EXPECT_FALSE(OodGate::fromState(gate.toState()).has_value()); // no threshold yet
    gate.setThreshold(gate.score(train.features));
    const StateDict state = gate.toState();
    const auto back = OodGate::fromState(state);
    ASSERT_TRUE(back.has_value());
    EXPECT_DOUBLE_EQ(back->threshold(), gate.threshold());
    EXPECT_EQ(back->trainImages(), 80);
    const std::vector<double> a = gate.score(train.features), b = back->score(train.features);
    for (std::size_t i = 0; i < a.size(); ++i)
        EXPECT_NEAR(a[i], b[i], 1e-4 * a[i]); // stored as float
    StateDict damaged = state;
    for (auto &[name, tensor] : damaged)
        if (name == "basis")
            tensor = tensor.slice(0, 0, 10);
    EXPECT_FALSE(OodGate::fromState(damaged).has_value());
    EXPECT_FALSE(OodGate::fromState({}).has_value());
    EXPECT_THROW(back->score(torch::zeros({1, 10})), std::invalid_argument);
}

TEST(OodGate, RefusesTooFewImagesAndBadLabels) {
    EXPECT_THROW(OodGate::fit(torch::zeros({1, 4}), {0}, 2), std::invalid_argument);
    EXPECT_THROW(OodGate::fit(torch::zeros({2, 4}), {0, 5}, 2), std::invalid_argument);
}

} // namespace
} // namespace cxr
