// SPDX-License-Identifier: MIT
#include "infer/folded_weights.h"

#include <stdexcept>

#include <ATen/ATen.h>
#include <torch/nn/modules/batchnorm.h>

namespace cxr {

NetworkTensors::NetworkTensors(NetworkImpl &network) {
    for (const auto &p : network.named_parameters())
        m_tensors[p.key()] = p.value().detach();
    for (const auto &b : network.named_buffers())
        m_tensors[b.key()] = b.value().detach();
    for (const auto &m : network.named_modules())
        if (const auto *bn = m.value()->as<torch::nn::BatchNorm2dImpl>())
            m_eps[m.key()] = bn->options.eps();
}

const at::Tensor &NetworkTensors::operator[](const std::string &name) const {
    const auto it = m_tensors.find(name);
    if (it == m_tensors.end())
        throw std::logic_error("inference network: no tensor \"" + name + "\"");
    return it->second;
}

double NetworkTensors::eps(const std::string &batchNorm) const {
    const auto it = m_eps.find(batchNorm);
    if (it == m_eps.end())
        throw std::logic_error("inference network: no BatchNorm \"" + batchNorm + "\"");
    return it->second;
}

Affine batchNormAffine(const NetworkTensors &w, const std::string &batchNorm) {
    const at::Tensor scale =
        w[batchNorm + ".weight"] / (w[batchNorm + ".running_var"] + w.eps(batchNorm)).sqrt();
    return {scale, w[batchNorm + ".bias"] - w[batchNorm + ".running_mean"] * scale};
}

FoldedConv fold(const NetworkTensors &w,
                const std::string &conv,
                const std::string &batchNorm,
                int stride,
                int padding) {
    const Affine a = batchNormAffine(w, batchNorm);
    FoldedConv f;
    f.weight = (w[conv + ".weight"] * a.scale.view({-1, 1, 1, 1})).contiguous();
    f.bias = a.shift.contiguous();
    f.stride = {stride, stride};
    f.padding = {padding, padding};
    return f;
}

FoldedConv unfolded(const NetworkTensors &w, const std::string &conv, int stride, int padding) {
    FoldedConv f;
    f.weight = w[conv + ".weight"].contiguous().clone();
    f.stride = {stride, stride};
    f.padding = {padding, padding};
    return f;
}

} // namespace cxr
