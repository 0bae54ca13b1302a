// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <vector>

#include "eval/predictions.h"
#include "train/step_strategy.h"

namespace cxr {

// The part of an epoch that rank `rank` of `worldSize` trains. The epoch's
// order is the same on every rank (a function of seed and epoch); each
// global batch of `batchSize` images is cut into `worldSize` consecutive
// slices of batchSize / worldSize, and rank r takes slice r, so that the
// job's step t sees exactly the images a single process's step t sees. A
// final global batch with fewer images than ranks is left out (a rank
// without images would have nothing to average). `batchSize` must be a
// multiple of `worldSize`. Returns the plan (its firstBatch kept) and sets
// `batches` to the number of global batches.
EpochPlan shardPlan(
    const EpochPlan &plan, std::size_t batchSize, int rank, int worldSize, std::size_t &batches);

// Predictions gathered from the ranks of a job in rank order, where rank r
// predicted the items r, r + worldSize, ... of a list of `items`: back in
// the list's order. When the counts do not fit (an image failed to decode
// somewhere) the rank order is kept: metrics do not depend on the order.
Predictions interleaved(const Predictions &gathered, std::size_t items, int worldSize);

} // namespace cxr
