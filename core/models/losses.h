// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "models/loss_config.h"

namespace cxr {

// Mean loss over the batch. logits: N x K, targets: N (int64 labels).
// Cross-entropy: -log p_t. Focal (Lin et al. 2017, "Focal Loss for Dense
// Object Detection"): -alpha_t (1 - p_t)^gamma log p_t, which equals
// cross-entropy at gamma 0 and alpha 1. log p_t comes from log_softmax, so
// it stays finite for confident predictions.
at::Tensor
classificationLoss(const at::Tensor &logits, const at::Tensor &targets, const LossConfig &config);

} // namespace cxr
