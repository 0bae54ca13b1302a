// SPDX-License-Identifier: MIT
#include "models/resnet.h"

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/pooling.h>
#include <torch/nn/init.h>

#include "models/layer_init.h"

namespace cxr {
namespace F = torch::nn::functional;
using detail::convolution;

BottleneckImpl::BottleneckImpl(int inChannels, int width, int stride, bool downsample) {
    m_conv1 = register_module("conv1", convolution(inChannels, width, 1));
    m_bn1 = register_module("bn1", torch::nn::BatchNorm2d(width));
    m_conv2 = register_module("conv2", convolution(width, width, 3, stride, 1));
    m_bn2 = register_module("bn2", torch::nn::BatchNorm2d(width));
    m_conv3 = register_module("conv3", convolution(width, width * kExpansion, 1));
    m_bn3 = register_module("bn3", torch::nn::BatchNorm2d(width * kExpansion));
    if (downsample)
        m_downsample = register_module(
            "downsample",
            torch::nn::Sequential(convolution(inChannels, width * kExpansion, 1, stride),
                                  torch::nn::BatchNorm2d(width * kExpansion)));
}

torch::Tensor BottleneckImpl::forward(const torch::Tensor &x) {
    // In-place ReLUs and residual add on tensors this block just made, as
    // torchvision does: BatchNorm's backward needs its input, not its
    // output, so this is safe for autograd and saves an allocation per op.
    torch::Tensor out = m_bn1(m_conv1(x)).relu_();
    out = m_bn2(m_conv2(out)).relu_();
    out = m_bn3(m_conv3(out));
    out += m_downsample ? m_downsample->forward(x) : x;
    return out.relu_();
}

ResNet50Impl::ResNet50Impl(int numClasses) {
    m_conv1 = register_module("conv1", convolution(3, 64, 7, 2, 3));
    m_bn1 = register_module("bn1", torch::nn::BatchNorm2d(64));
    m_maxpool = register_module(
        "maxpool", torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(2).padding(1)));
    constexpr int kBlocks[4] = {3, 4, 6, 3};
    int inChannels = 64;
    for (int stage = 0; stage < 4; ++stage) {
        const int width = 64 << stage;
        torch::nn::Sequential layer;
        for (int b = 0; b < kBlocks[stage]; ++b) {
            const int stride = (b == 0 && stage > 0) ? 2 : 1;
            layer->push_back(Bottleneck(inChannels, width, stride, b == 0));
            inChannels = width * BottleneckImpl::kExpansion;
        }
        m_layers[stage] = register_module("layer" + std::to_string(stage + 1), layer);
    }
    detail::initialiseLayers(*this, detail::KaimingMode::FanOutRelu);
    resetHead(numClasses);
}

void ResNet50Impl::resetHead(int numClasses) {
    if (numClasses < 1)
        throw std::invalid_argument("a network needs at least one output class");
    if (m_fc)
        unregister_module("fc");
    m_fc = register_module("fc", torch::nn::Linear(512 * BottleneckImpl::kExpansion, numClasses));
}

torch::Tensor ResNet50Impl::features(const torch::Tensor &x) {
    torch::Tensor out = m_maxpool(m_bn1(m_conv1(x)).relu_());
    for (auto &layer : m_layers)
        out = layer->forward(out);
    return out;
}

torch::Tensor ResNet50Impl::classify(const torch::Tensor &featureMap) {
    return m_fc(pooledFeatures(featureMap));
}

} // namespace cxr
