// SPDX-License-Identifier: MIT
#include <cmath>

#include <gtest/gtest.h>
#include <torch/nn/functional/loss.h>
#include <torch/types.h>

#include "models/losses.h"

namespace cxr {
namespace {

TEST(FocalLoss, EqualsCrossEntropyAtGammaZero) {
    torch::manual_seed(3);
    const auto logits = torch::randn({8, 4});
    const auto targets = torch::tensor({0, 1, 2, 3, 3, 2, 1, 0}, torch::kLong);
    LossConfig focal{LossKind::Focal, 0.0, {}};
    const double ce = classificationLoss(logits, targets, LossConfig{}).item<double>();
    EXPECT_NEAR(classificationLoss(logits, targets, focal).item<double>(), ce, 1e-6);
    focal.alpha = {1, 1, 1, 1};
    EXPECT_NEAR(classificationLoss(logits, targets, focal).item<double>(), ce, 1e-6);
    EXPECT_NEAR(ce, torch::nn::functional::cross_entropy(logits, targets).item<double>(), 1e-7);
}

TEST(FocalLoss, MatchesHandComputedValues) {
    // Two samples, two classes. Logits (0, 0): p_t = 0.5. Logits (ln 3, 0)
    // with target 0: p_t = 0.75.
    const auto logits = torch::tensor({0.0, 0.0, std::log(3.0), 0.0}).reshape({2, 2});
    const auto targets = torch::tensor({1, 0}, torch::kLong);
    const LossConfig focal{LossKind::Focal, 2.0, {0.25, 0.75}};
    const double first = 0.75 * std::pow(0.5, 2) * -std::log(0.5);    // alpha_1 = 0.75
    const double second = 0.25 * std::pow(0.25, 2) * -std::log(0.75); // alpha_0 = 0.25
    EXPECT_NEAR(
        classificationLoss(logits, targets, focal).item<double>(), (first + second) / 2, 1e-6);
    // Confident correct predictions are down-weighted far more than by CE.
    const auto confident = torch::tensor({10.0, 0.0}).reshape({1, 2});
    const auto zero = torch::tensor({0}, torch::kLong);
    const double ce = classificationLoss(confident, zero, LossConfig{}).item<double>();
    const double fl =
        classificationLoss(confident, zero, LossConfig{LossKind::Focal, 2.0, {}}).item<double>();
    EXPECT_LT(fl, ce * 1e-6);
    EXPECT_GT(fl, 0.0);
}

TEST(FocalLoss, BadAlphaIsRejected) {
    const auto logits = torch::zeros({1, 3});
    const auto targets = torch::tensor({0}, torch::kLong);
    EXPECT_THROW(classificationLoss(logits, targets, LossConfig{LossKind::Focal, 2.0, {1, 1}}),
                 std::invalid_argument);
}

} // namespace
} // namespace cxr
