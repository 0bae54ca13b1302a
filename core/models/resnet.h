// SPDX-License-Identifier: MIT
#pragma once

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/pooling.h>

#include "models/network.h"

namespace cxr {

// torchvision's Bottleneck block (ResNet v1.5: the stride sits on the 3x3
// convolution). Names: conv1 bn1 conv2 bn2 conv3 bn3 [downsample.0 .1].
class BottleneckImpl : public torch::nn::Module {
  public:
    static constexpr int kExpansion = 4;
    BottleneckImpl(int inChannels, int width, int stride, bool downsample);
    torch::Tensor forward(const torch::Tensor &x);

  private:
    torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr}, m_conv3{nullptr};
    torch::nn::BatchNorm2d m_bn1{nullptr}, m_bn2{nullptr}, m_bn3{nullptr};
    torch::nn::Sequential m_downsample{nullptr};
};
TORCH_MODULE(Bottleneck);

// ResNet50 (He et al. 2016; torchvision.models.resnet50): conv1 bn1 maxpool,
// layer1..layer4 of [3, 4, 6, 3] bottlenecks, global average pool, fc.
// features() is the output of layer4 (2048 channels, stride 32).
class ResNet50Impl : public NetworkImpl {
  public:
    explicit ResNet50Impl(int numClasses);
    torch::Tensor features(const torch::Tensor &x) override;
    torch::Tensor classify(const torch::Tensor &featureMap) override;
    Architecture architecture() const override { return Architecture::ResNet50; }
    torch::nn::Linear head() const override { return m_fc; }
    void resetHead(int numClasses) override;

  private:
    torch::nn::Conv2d m_conv1{nullptr};
    torch::nn::BatchNorm2d m_bn1{nullptr};
    torch::nn::MaxPool2d m_maxpool{nullptr};
    torch::nn::Sequential m_layers[4];
    torch::nn::Linear m_fc{nullptr};
};

} // namespace cxr
