// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/optim/optimizer.h>

#include "train/train_config.h"
#include "weights/state_dict.h"

namespace cxr {

// The optimiser of a run: Adam with the config's learning rate (the paper's
// choice), over `parameters`. The one place that names it, so another
// optimiser is a change here and in TrainConfig.
std::unique_ptr<torch::optim::Optimizer> makeOptimiser(const TrainConfig &config,
                                                       std::vector<at::Tensor> parameters);

// Sets every parameter group's learning rate (StepLR is applied per epoch).
void setLearningRate(torch::optim::Optimizer &optimiser, double lr);

// Adam's state (step count and moments of each parameter that has stepped)
// as named tensors for last.pt: "optimizer.<i>.step", ".exp_avg",
// ".exp_avg_sq" (and ".max_exp_avg_sq" with AMSGrad), i counting the
// parameters in group order. The moments are the optimiser's own tensors,
// not copies: save them before the next step. Written straight into the
// checkpoint, they cost no serialisation of their own.
StateDict optimiserTensors(torch::optim::Optimizer &optimiser);

// Restores the optimiser from a last.pt's training state: the tensors above,
// or the single "optimizer" byte tensor of files written before them.
// Returns whether the state held any; throws Error for a state that does
// not fit the parameters.
bool restoreOptimiser(torch::optim::Optimizer &optimiser, const StateDict &trainingState);

// The optimiser's state as one byte tensor (LibTorch's archive format), and
// back: how a job's first process hands its restored state to the others.
// restoreOptimiserState throws Error for bytes of another shape.
at::Tensor optimiserState(torch::optim::Optimizer &optimiser);
void restoreOptimiserState(torch::optim::Optimizer &optimiser, const at::Tensor &bytes);

} // namespace cxr
