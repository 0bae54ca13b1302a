// SPDX-License-Identifier: MIT
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>

namespace cxr::detail {

// A bias-free 2-D convolution, the only kind both backbones use.
torch::nn::Conv2d convolution(int in, int out, int kernel, int stride = 1, int padding = 0);

// torchvision's initialisation of both backbones: Kaiming-normal
// convolution weights (ResNet: fan_out with the ReLU gain; DenseNet:
// PyTorch's default fan_in), BatchNorm weight 1 and bias 0.
enum class KaimingMode { FanIn, FanOutRelu };
void initialiseLayers(torch::nn::Module &network, KaimingMode mode);

} // namespace cxr::detail
