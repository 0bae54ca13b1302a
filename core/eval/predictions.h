// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <vector>

#include "eval/metrics.h"

namespace at {
class Tensor;
}

namespace cxr {

// The labels and softmax outputs of one pass over a set of images (an
// epoch's training batches, a validation or test split), with the summed
// loss. What every metric, curve and calibration is computed from. A plain
// value; one thread fills it.
struct Predictions {
    int classes = 0;
    std::vector<int> labels;
    std::vector<float> probabilities; // row-major, labels.size() x classes
    double lossSum = 0;               // sum over images of each batch's mean loss
    std::size_t correct = 0;          // arg-max equals the label

    explicit Predictions(int numClasses = 0) : classes(numClasses) {}

    std::size_t size() const { return labels.size(); }
    bool empty() const { return labels.empty(); }
    double meanLoss() const;
    double accuracy() const;

    // Adds one batch: logits N x classes (any float type, any device),
    // targets N (int64), `batchLoss` the batch's mean loss.
    void add(const at::Tensor &logits, const at::Tensor &targets, double batchLoss);
    // Adds rows already on the CPU: `probabilities` is n x classes.
    void add(const std::vector<int> &rowLabels,
             const std::vector<float> &rowProbabilities,
             double batchLoss);

    Metrics metrics() const { return computeMetrics(labels, probabilities, classes, meanLoss()); }
};

} // namespace cxr
