// SPDX-License-Identifier: MIT
#include "models/losses.h"

#include <stdexcept>

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/loss.h>
#include <torch/types.h>

namespace cxr {
namespace F = torch::nn::functional;

at::Tensor
classificationLoss(const at::Tensor &logits, const at::Tensor &targets, const LossConfig &config) {
    if (config.kind == LossKind::CrossEntropy)
        return F::cross_entropy(logits, targets);
    const torch::Tensor logP = F::log_softmax(logits, 1).gather(1, targets.unsqueeze(1)).squeeze(1);
    const torch::Tensor p = logP.exp();
    torch::Tensor loss = -(1.0 - p).pow(config.gamma) * logP;
    if (!config.alpha.empty()) {
        if (static_cast<int64_t>(config.alpha.size()) != logits.size(1))
            throw std::invalid_argument("focal alpha needs one weight per class");
        const torch::Tensor alpha = torch::tensor(config.alpha, logits.options());
        loss = loss * alpha.index_select(0, targets);
    }
    return loss.mean();
}

} // namespace cxr
