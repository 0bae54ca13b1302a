// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "models/network.h"

namespace cxr {

// A trained network's tensors by torchvision name, and its BatchNorms'
// epsilons, read once. The tensors alias the network's: copy what must
// outlive a later change to the weights.
class NetworkTensors {
  public:
    explicit NetworkTensors(NetworkImpl &network);
    const at::Tensor &operator[](const std::string &name) const;
    double eps(const std::string &batchNorm) const;

  private:
    std::map<std::string, at::Tensor> m_tensors;
    std::map<std::string, double> m_eps;
};

// A BatchNorm in eval mode as y = x * scale + shift per channel.
struct Affine {
    at::Tensor scale, shift;
};
Affine batchNormAffine(const NetworkTensors &w, const std::string &batchNorm);

// A convolution with the BatchNorm after it folded in: W' = W * scale per
// output channel, b' = shift (the convolutions here have no bias of their
// own). Without a BatchNorm, the weight copied and no bias.
struct FoldedConv {
    at::Tensor weight, bias; // bias undefined: none
    std::vector<int64_t> stride, padding;
};
FoldedConv fold(const NetworkTensors &w,
                const std::string &conv,
                const std::string &batchNorm,
                int stride,
                int padding);
FoldedConv unfolded(const NetworkTensors &w, const std::string &conv, int stride, int padding);

} // namespace cxr
