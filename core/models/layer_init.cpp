// SPDX-License-Identifier: MIT
#include "models/layer_init.h"

#include <torch/nn/init.h>
#include <torch/nn/modules/batchnorm.h>

namespace cxr::detail {

torch::nn::Conv2d convolution(int in, int out, int kernel, int stride, int padding) {
    return torch::nn::Conv2d(
        torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(false));
}

void initialiseLayers(torch::nn::Module &network, KaimingMode mode) {
    for (auto &module : network.modules(/*include_self=*/false)) {
        if (auto *c = module->as<torch::nn::Conv2d>()) {
            if (mode == KaimingMode::FanOutRelu)
                torch::nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanOut, torch::kReLU);
            else
                torch::nn::init::kaiming_normal_(c->weight);
        } else if (auto *bn = module->as<torch::nn::BatchNorm2d>()) {
            torch::nn::init::ones_(bn->weight);
            torch::nn::init::zeros_(bn->bias);
        }
    }
}

} // namespace cxr::detail
