// SPDX-License-Identifier: MIT
#include <algorithm>
#include <map>

#include <gtest/gtest.h>

#include "train/sampler.h"

namespace cxr {
namespace {

// CoronaHack-like imbalance: 200 / 100 / 50 / 5.
std::vector<int> imbalancedLabels() {
    std::vector<int> labels;
    for (auto [label, n] : std::vector<std::pair<int, int>>{{0, 200}, {1, 100}, {2, 50}, {3, 5}})
        labels.insert(labels.end(), static_cast<std::size_t>(n), label);
    return labels;
}

TEST(Sampler, ShuffleIsAPermutationFixedBySeedAndEpoch) {
    const auto labels = imbalancedLabels();
    const auto a = epochOrder(labels, SamplerKind::Shuffle, 1, 0);
    auto sorted = a;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < sorted.size(); ++i)
        EXPECT_EQ(sorted[i], i);
    EXPECT_EQ(a, epochOrder(labels, SamplerKind::Shuffle, 1, 0));
    EXPECT_NE(a, epochOrder(labels, SamplerKind::Shuffle, 1, 1));
    EXPECT_NE(a, epochOrder(labels, SamplerKind::Shuffle, 2, 0));
}

TEST(Sampler, WeightedDrawsEveryClassEquallyOften) {
    const auto labels = imbalancedLabels();
    std::map<int, std::size_t> drawn;
    std::size_t total = 0;
    for (int epoch = 0; epoch < 40; ++epoch) {
        const auto order = epochOrder(labels, SamplerKind::Weighted, 7, epoch);
        EXPECT_EQ(order.size(), labels.size()); // WeightedRandomSampler's num_samples
        for (std::size_t i : order)
            ++drawn[labels[i]];
        total += order.size();
    }
    // Weights 1/count(class) give each class a quarter of the draws, the
    // 5-image class included (so its images repeat, with replacement).
    for (int c = 0; c < 4; ++c)
        EXPECT_NEAR(static_cast<double>(drawn[c]) / static_cast<double>(total), 0.25, 0.015) << c;
    EXPECT_EQ(epochOrder(labels, SamplerKind::Weighted, 7, 3),
              epochOrder(labels, SamplerKind::Weighted, 7, 3));
}

TEST(Sampler, Names) {
    EXPECT_EQ(parseSampler("weighted"), SamplerKind::Weighted);
    EXPECT_EQ(parseSampler("none"), SamplerKind::Shuffle);
    EXPECT_FALSE(parseSampler("balanced").has_value());
}

} // namespace
} // namespace cxr
