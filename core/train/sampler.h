// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cxr {

enum class SamplerKind {
    Shuffle,  // every training sample once per epoch, in a random order
    Weighted, // PyTorch's WeightedRandomSampler with weights 1/count(class)
};

const char *samplerName(SamplerKind kind); // "none", "weighted"
std::optional<SamplerKind> parseSampler(const std::string &name);

// The training order of one epoch, as positions into `labels` (the labels
// of the training samples). Weighted: labels.size() draws with replacement,
// each sample drawn with probability proportional to 1/count(its class), so
// every class is drawn equally often on average, as the paper's
// WeightedRandomSampler does. A function of (seed, epoch) alone, so a
// resumed run sees the same order as an uninterrupted one.
std::vector<std::size_t>
epochOrder(const std::vector<int> &labels, SamplerKind kind, std::uint64_t seed, int epoch);

} // namespace cxr
