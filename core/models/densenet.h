// SPDX-License-Identifier: MIT
#pragma once

#include <vector>

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>

#include "models/network.h"

namespace cxr {

// torchvision's _DenseLayer: norm1 relu1 conv1 (1x1, bn_size * growth) norm2
// relu2 conv2 (3x3, growth). Takes the concatenation of all earlier maps.
class DenseLayerImpl : public torch::nn::Module {
  public:
    DenseLayerImpl(int inChannels, int growthRate, int bnSize);
    torch::Tensor forward(const torch::Tensor &concatenated);

  private:
    torch::nn::BatchNorm2d m_norm1{nullptr}, m_norm2{nullptr};
    torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr};
};
TORCH_MODULE(DenseLayer);

// torchvision's _DenseBlock: denselayer1..N, each seeing every earlier output.
class DenseBlockImpl : public torch::nn::Module {
  public:
    DenseBlockImpl(int layers, int inChannels, int growthRate, int bnSize);
    torch::Tensor forward(const torch::Tensor &x);

  private:
    std::vector<DenseLayer> m_layers;
};
TORCH_MODULE(DenseBlock);

// torchvision's _Transition: norm relu conv (1x1) pool (2x2 average).
class TransitionImpl : public torch::nn::Module {
  public:
    TransitionImpl(int inChannels, int outChannels);
    torch::Tensor forward(const torch::Tensor &x);

  private:
    torch::nn::BatchNorm2d m_norm{nullptr};
    torch::nn::Conv2d m_conv{nullptr};
};
TORCH_MODULE(Transition);

// DenseNet121 (Huang et al. 2017; torchvision.models.densenet121): growth 32,
// blocks [6, 12, 24, 16], bn_size 4, 64 initial features, all under
// `features` (conv0 norm0 pool0 denseblock1 transition1 ... norm5), then
// `classifier`. features() returns relu(norm5 output): 1024 channels at
// stride 32, the map CheXNet's class activation maps use.
class DenseNet121Impl : public NetworkImpl {
  public:
    explicit DenseNet121Impl(int numClasses);
    torch::Tensor features(const torch::Tensor &x) override;
    torch::Tensor classify(const torch::Tensor &featureMap) override;
    Architecture architecture() const override { return Architecture::DenseNet121; }
    torch::nn::Linear head() const override { return m_classifier; }
    void resetHead(int numClasses) override;

  private:
    torch::nn::Sequential m_features{nullptr};
    torch::nn::Linear m_classifier{nullptr};
    int m_numFeatures = 0;
};

} // namespace cxr
