// SPDX-License-Identifier: MIT
#include "train/sampler.h"

#include <algorithm>
#include <map>

#include "data/transforms.h" // mixSeed
#include "enum_names.h"

namespace cxr {
namespace {

// Uniform in [0, 1) from a 64-bit value, portable across standard libraries.
double unit(std::uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

} // namespace

constexpr EnumName<SamplerKind> kSamplerNames[] = {
    {SamplerKind::Shuffle, "none"},
    {SamplerKind::Weighted, "weighted"},
    {SamplerKind::Shuffle, "shuffle"},
};

const char *samplerName(SamplerKind kind) { return nameOf(kSamplerNames, kind); }

std::optional<SamplerKind> parseSampler(const std::string &name) {
    return parseName(kSamplerNames, name);
}

std::vector<std::size_t>
epochOrder(const std::vector<int> &labels, SamplerKind kind, std::uint64_t seed, int epoch) {
    const std::uint64_t epochSeed = mixSeed(seed, 0xE90C00 + static_cast<std::uint64_t>(epoch));
    std::vector<std::size_t> order;
    order.reserve(labels.size());
    if (kind == SamplerKind::Shuffle) {
        // Sort by a per-sample random key: a permutation that depends only
        // on the seed and the epoch.
        std::vector<std::pair<std::uint64_t, std::size_t>> keyed;
        for (std::size_t i = 0; i < labels.size(); ++i)
            keyed.emplace_back(mixSeed(epochSeed, i), i);
        std::sort(keyed.begin(), keyed.end());
        for (const auto &[key, i] : keyed)
            order.push_back(i);
        return order;
    }
    std::map<int, std::size_t> counts;
    for (int label : labels)
        ++counts[label];
    std::vector<double> cumulative;
    double total = 0;
    for (int label : labels) {
        total += 1.0 / static_cast<double>(counts[label]);
        cumulative.push_back(total);
    }
    for (std::size_t draw = 0; draw < labels.size(); ++draw) {
        const double u = unit(mixSeed(epochSeed, draw)) * total;
        const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u);
        order.push_back(std::min<std::size_t>(static_cast<std::size_t>(it - cumulative.begin()),
                                              labels.size() - 1));
    }
    return order;
}

} // namespace cxr
