// SPDX-License-Identifier: MIT
#include "train/sharding.h"

#include <algorithm>

namespace cxr {

EpochPlan shardPlan(
    const EpochPlan &plan, std::size_t batchSize, int rank, int worldSize, std::size_t &batches) {
    const std::size_t world = static_cast<std::size_t>(worldSize);
    const std::size_t r = static_cast<std::size_t>(rank);
    const std::size_t n = plan.samples.size();
    batches = (n + batchSize - 1) / batchSize;
    if (batches > 0 && n - (batches - 1) * batchSize < world)
        --batches;
    EpochPlan mine;
    mine.firstBatch = plan.firstBatch;
    mine.augmentSeed = plan.augmentSeed;
    for (std::size_t b = 0; b < batches; ++b) {
        const std::size_t begin = b * batchSize;
        const std::size_t size = std::min(batchSize, n - begin);
        // A full batch splits evenly; the last one as evenly as it can.
        const std::size_t from = begin + r * size / world, to = begin + (r + 1) * size / world;
        for (std::size_t i = from; i < to; ++i) {
            mine.samples.push_back(plan.samples[i]);
            mine.labels.push_back(plan.labels[i]);
        }
    }
    return mine;
}

Predictions interleaved(const Predictions &gathered, std::size_t items, int worldSize) {
    if (gathered.size() != items || worldSize <= 1)
        return gathered;
    const std::size_t world = static_cast<std::size_t>(worldSize);
    const std::size_t k = static_cast<std::size_t>(gathered.classes);
    // Rank r holds ceil((items - r) / world) rows, starting after the rows
    // of the ranks before it.
    std::vector<std::size_t> start(world, 0);
    for (std::size_t r = 1; r < world; ++r)
        start[r] = start[r - 1] + (items - (r - 1) + world - 1) / world;
    std::vector<int> labels(items);
    std::vector<float> rows(items * k);
    for (std::size_t i = 0; i < items; ++i) {
        const std::size_t from = start[i % world] + i / world;
        labels[i] = gathered.labels[from];
        std::copy_n(gathered.probabilities.begin() + static_cast<std::ptrdiff_t>(from * k),
                    k,
                    rows.begin() + static_cast<std::ptrdiff_t>(i * k));
    }
    Predictions out(gathered.classes);
    out.add(labels, rows, 0.0);
    out.lossSum = gathered.lossSum;
    return out;
}

} // namespace cxr
