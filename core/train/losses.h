// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace cxr {

enum class LossKind { CrossEntropy, Focal };

const char *lossName(LossKind kind); // "ce", "focal"
std::optional<LossKind> parseLoss(const std::string &name);

struct LossConfig {
    LossKind kind = LossKind::CrossEntropy;
    double gamma = 2.0;        // focal focusing parameter (Lin et al. 2017 use 2)
    std::vector<double> alpha; // focal per-class weights; empty = 1 for every class
};

// Mean loss over the batch. logits: N x K, targets: N (int64 labels).
// Cross-entropy: -log p_t. Focal (Lin et al. 2017, "Focal Loss for Dense
// Object Detection"): -alpha_t (1 - p_t)^gamma log p_t, which equals
// cross-entropy at gamma 0 and alpha 1. log p_t comes from log_softmax, so
// it stays finite for confident predictions.
at::Tensor
classificationLoss(const at::Tensor &logits, const at::Tensor &targets, const LossConfig &config);

} // namespace cxr
