// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/optim/optimizer.h>

#include "train/train_config.h"

namespace cxr {

// The optimiser of a run: Adam with the config's learning rate (the paper's
// choice), over `parameters`. The one place that names it, so another
// optimiser is a change here and in TrainConfig.
std::unique_ptr<torch::optim::Optimizer> makeOptimiser(const TrainConfig &config,
                                                       std::vector<at::Tensor> parameters);

// Sets every parameter group's learning rate (StepLR is applied per epoch).
void setLearningRate(torch::optim::Optimizer &optimiser, double lr);

// The optimiser's state (moments, step counts) as a byte tensor, for last.pt,
// and back. restoreOptimiserState throws Error for bytes of another shape.
at::Tensor optimiserState(torch::optim::Optimizer &optimiser);
void restoreOptimiserState(torch::optim::Optimizer &optimiser, const at::Tensor &bytes);

} // namespace cxr
