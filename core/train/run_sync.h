// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "eval/predictions.h"
#include "train/distributed.h"

namespace cxr {

// Averages the gradients of a set of parameters across the processes of a
// job, the way PyTorch's DistributedDataParallel does: parameters are
// grouped into buckets in reverse order (the order backward reaches them),
// and each bucket is all-reduced as soon as its last gradient is ready,
// while backward goes on with the layers below. Not thread-safe: one
// training thread.
class GradientSync {
  public:
    virtual ~GradientSync() = default;
    // Call right before backward().
    virtual void beginBackward() = 0;
    // Call right after backward(): waits for the last buckets, and leaves
    // each parameter's .grad the mean over the job. Returns the seconds spent
    // waiting here (communication that did not overlap the backward pass).
    virtual double finishBackward() = 0;
};

// What a training run shares with the other processes of its job. A run on
// its own uses the local implementation, where every call is the identity;
// a torchrun job uses c10d (a TCPStore and ProcessGroupGloo). Rank 0 leads:
// it alone reads and writes the run folder, and what it decides (the
// configuration, the initial weights, a failure) is shared with the rest.
// Every method is a collective: all ranks call it, in the same order.
// Failures of the other processes (a dead peer, a timeout) throw Error.
class RunSync {
  public:
    virtual ~RunSync() = default;
    virtual int rank() const = 0;
    virtual int worldSize() const = 0;
    bool leads() const { return rank() == 0; }

    // The leader's text, on every rank (others pass anything).
    virtual std::string shareText(const std::string &text) = 0;
    // Overwrites these tensors with the leader's values on every rank.
    virtual void shareTensors(const std::vector<at::Tensor> &tensors) = 0;
    // Element by element: true on every rank where any rank said true.
    virtual std::vector<bool> anyOf(const std::vector<bool> &flags) = 0;
    // Every rank's predictions, concatenated in rank order.
    virtual Predictions gather(const Predictions &mine) = 0;
    // Gradient averaging for `parameters`; nullptr for a run on its own.
    virtual std::unique_ptr<GradientSync>
    gradientSync(const std::vector<at::Tensor> &parameters) = 0;
    // Time spent in collectives so far, for the benchmark.
    virtual double communicationSeconds() const { return 0; }
};

// A run on its own.
std::unique_ptr<RunSync> makeLocalSync();

// Joins the job `setup` describes (blocking until every rank has joined, at
// most setup.timeoutSeconds). Throws Error when the rendezvous fails.
std::unique_ptr<RunSync> joinJob(const DistributedSetup &setup);

// The rows of a dataset pass that rank `rank` of `worldSize` handles:
// positions rank, rank + worldSize, ... of `items`.
template <typename T> std::vector<T> strided(const std::vector<T> &items, int rank, int worldSize) {
    std::vector<T> out;
    for (std::size_t i = static_cast<std::size_t>(rank); i < items.size();
         i += static_cast<std::size_t>(worldSize))
        out.push_back(items[i]);
    return out;
}

} // namespace cxr
