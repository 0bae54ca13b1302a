// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "eval/metrics.h"
#include "infer/ood_gate.h"

namespace cxr {
namespace {

// Two classes whose rows vary only within an 8-dimensional subspace (plus
// a little noise everywhere), as a trained network's features vary within
// the directions its training images span: 64 features, 32 spreads and
// 256 appearance values per image.
struct Clusters {
    GateInputs inputs;
    std::vector<int> labels;
};

torch::Tensor cluster(int perClass, int dims, double offset) {
    std::vector<torch::Tensor> rows;
    for (int c = 0; c < 2; ++c) {
        const torch::Tensor centre = torch::full({dims}, c == 0 ? offset - 1 : offset + 1);
        for (int i = 0; i < perClass; ++i) {
            torch::Tensor inside = torch::zeros({dims});
            inside.slice(0, 0, 8) = torch::randn({8}) * 2.0;
            rows.push_back(centre + inside + torch::randn({dims}) * 0.05);
        }
    }
    return torch::stack(rows).to(torch::kDouble);
}

Clusters clusters(int perClass, std::uint64_t seed) {
    torch::manual_seed(seed);
    Clusters out;
    out.inputs = {cluster(perClass, 64, 0), cluster(perClass, 32, 3), cluster(perClass, 256, 0)};
    for (int c = 0; c < 2; ++c)
        out.labels.insert(out.labels.end(), static_cast<std::size_t>(perClass), c);
    return out;
}

// Energy in 8 directions the training rows never used.
torch::Tensor foreign(const torch::Tensor &rows) {
    torch::Tensor out = rows.clone();
    out.slice(1, 8, 16) += torch::randn({rows.size(0), 8}, torch::kDouble) * 2.0;
    return out;
}

TEST(OodGate, TrainingLikeImagesScoreNearThreeAndForeignOnesFarAbove) {
    const Clusters train = clusters(100, 1);
    OodGate gate = OodGate::fit(train.inputs, train.labels, 2);
    EXPECT_TRUE(gate.seesLayout());
    EXPECT_GE(gate.components(), 1);
    EXPECT_LE(gate.components(), 9); // the 8 directions and little of the noise
    const Clusters heldOut = clusters(50, 2);
    const std::vector<double> inScores = gate.score(heldOut.inputs);
    gate.setThreshold(percentileOf(inScores, 99));
    double mean = 0;
    for (double s : inScores)
        mean += s / static_cast<double>(inScores.size());
    // Three distances, each about 1 for rows like the training rows.
    EXPECT_GT(mean, 1.0);
    EXPECT_LT(mean, 9.0);
    // Foreign in one view alone: the features, or only the appearance (a
    // film turned on its side keeps its texture but not its layout).
    torch::manual_seed(3);
    GateInputs odd = heldOut.inputs;
    odd.features = foreign(heldOut.inputs.features);
    for (double s : gate.score(odd))
        EXPECT_GT(s, 10 * gate.threshold());
    odd = heldOut.inputs;
    odd.appearance = foreign(heldOut.inputs.appearance);
    for (double s : gate.score(odd)) // 8 of 256 dimensions: diluted, still far above
        EXPECT_GT(s, 3 * gate.threshold());
}

TEST(OodGate, StoredStateRoundTripsAndDamageIsRefused) {
    const Clusters train = clusters(40, 1);
    OodGate gate = OodGate::fit(train.inputs, train.labels, 2);
    EXPECT_FALSE(OodGate::fromState(gate.toState()).has_value()); // no threshold yet
    gate.setThreshold(percentileOf(gate.score(train.inputs), 99));
    const StateDict state = gate.toState();
    const auto back = OodGate::fromState(state);
    ASSERT_TRUE(back.has_value());
    EXPECT_TRUE(back->seesLayout());
    EXPECT_DOUBLE_EQ(back->threshold(), gate.threshold());
    EXPECT_EQ(back->trainImages(), 80);
    const std::vector<double> a = gate.score(train.inputs), b = back->score(train.inputs);
    for (std::size_t i = 0; i < a.size(); ++i)
        EXPECT_NEAR(a[i], b[i], 1e-4 * a[i]); // stored as float
    for (const char *part : {"features.basis", "spread.variances", "appearance.basis"}) {
        StateDict damaged = state;
        for (auto &[name, tensor] : damaged)
            if (name == part)
                tensor = tensor.slice(0, 0, 1);
        EXPECT_FALSE(OodGate::fromState(damaged).has_value()) << part;
    }
    EXPECT_FALSE(OodGate::fromState({}).has_value());
    GateInputs narrow = train.inputs;
    narrow.features = torch::zeros({1, 10}, torch::kDouble);
    EXPECT_THROW(back->score(narrow), std::invalid_argument);
}

// A model file written before the gate measured spread and appearance
// holds one view under unprefixed names; it scores the features alone.
TEST(OodGate, AGateOfFeaturesAloneStillLoadsAndScores) {
    const Clusters train = clusters(40, 1);
    OodGate gate = OodGate::fit(train.inputs, train.labels, 2);
    gate.setThreshold(2.5);
    StateDict legacy;
    for (const auto &[name, tensor] : gate.toState()) {
        const std::string prefix = "features.";
        if (name.rfind(prefix, 0) == 0)
            legacy.push_back({name.substr(prefix.size()), tensor});
        else if (name.find('.') == std::string::npos)
            legacy.push_back({name, tensor});
    }
    const auto old = OodGate::fromState(legacy);
    ASSERT_TRUE(old.has_value());
    EXPECT_FALSE(old->seesLayout());
    EXPECT_DOUBLE_EQ(old->threshold(), 2.5);
    // The same rows with a foreign appearance: the old gate cannot see it.
    GateInputs odd = train.inputs;
    torch::manual_seed(4);
    odd.appearance = foreign(train.inputs.appearance);
    const std::vector<double> plain = old->score(train.inputs), turned = old->score(odd);
    for (std::size_t i = 0; i < plain.size(); ++i)
        EXPECT_DOUBLE_EQ(plain[i], turned[i]);
    EXPECT_GT(gate.score(odd)[0], 10 * gate.score(train.inputs)[0]);
}

TEST(OodGate, GateInputsOfAFeatureMapAndItsInput) {
    // Two images: a feature map whose channel 0 is constant and channel 1
    // alternates, and an input that is a left-to-right ramp.
    torch::Tensor map = torch::zeros({2, 2, 2, 2});
    map.select(1, 0).fill_(3.0);
    map.select(1, 1).copy_(torch::tensor({0.0, 2.0, 0.0, 2.0}).reshape({2, 2}));
    const torch::Tensor ramp = torch::linspace(0, 1, 32).repeat({32, 1});
    const torch::Tensor input = ramp.expand({2, 3, 32, 32}).clone();
    const GateInputs g = gateInputs(map, input);
    EXPECT_EQ(g.rows(), 2);
    EXPECT_NEAR(g.features[0][0].item<double>(), 3.0, 1e-12);
    EXPECT_NEAR(g.features[0][1].item<double>(), 1.0, 1e-12);
    EXPECT_NEAR(g.spread[0][0].item<double>(), 0.0, 1e-12);
    EXPECT_NEAR(g.spread[0][1].item<double>(), 1.0, 1e-12);
    ASSERT_EQ(g.appearance.size(1), 256);
    EXPECT_NEAR(g.appearance[0].sum().item<double>(), 0.0, 1e-9);
    EXPECT_NEAR(g.appearance[0].norm().item<double>(), 1.0, 1e-9);
    // Brighter or darker by an affine map, the same appearance.
    const GateInputs shifted = gateInputs(map, input * 4.0 - 2.0);
    EXPECT_LT((shifted.appearance - g.appearance).abs().max().item<double>(), 1e-9);
    // Left to right: the first of each row of 16 is the darkest.
    EXPECT_LT(g.appearance[0][0].item<double>(), g.appearance[0][15].item<double>());
}

TEST(OodGate, RefusesTooFewImagesAndBadLabels) {
    const Clusters one = clusters(1, 1);
    EXPECT_THROW(OodGate::fit(one.inputs.select({0}), {0}, 2), std::invalid_argument);
    EXPECT_THROW(OodGate::fit(one.inputs, {0, 5}, 2), std::invalid_argument);
}

} // namespace
} // namespace cxr
