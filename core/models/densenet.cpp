// SPDX-License-Identifier: MIT
#include "models/densenet.h"

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/pooling.h>
#include <torch/nn/init.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/pooling.h>

#include "models/layer_init.h"

namespace cxr {
namespace F = torch::nn::functional;
namespace {

using detail::convolution;

constexpr int kGrowthRate = 32;
constexpr int kBnSize = 4;
constexpr int kInitialFeatures = 64;
constexpr int kBlockLayers[4] = {6, 12, 24, 16};

} // namespace

DenseLayerImpl::DenseLayerImpl(int inChannels, int growthRate, int bnSize) {
    m_norm1 = register_module("norm1", torch::nn::BatchNorm2d(inChannels));
    m_conv1 = register_module("conv1", convolution(inChannels, bnSize * growthRate, 1));
    m_norm2 = register_module("norm2", torch::nn::BatchNorm2d(bnSize * growthRate));
    m_conv2 = register_module("conv2", convolution(bnSize * growthRate, growthRate, 3, 1, 1));
}

torch::Tensor DenseLayerImpl::forward(const torch::Tensor &concatenated) {
    // In-place ReLUs on fresh BatchNorm outputs, as torchvision's
    // relu1/relu2 (inplace=True): safe for autograd, one allocation less each.
    const torch::Tensor bottleneck = m_conv1(m_norm1(concatenated).relu_());
    return m_conv2(m_norm2(bottleneck).relu_());
}

DenseBlockImpl::DenseBlockImpl(int layers, int inChannels, int growthRate, int bnSize) {
    for (int i = 0; i < layers; ++i)
        m_layers.push_back(
            register_module("denselayer" + std::to_string(i + 1),
                            DenseLayer(inChannels + i * growthRate, growthRate, bnSize)));
}

torch::Tensor DenseBlockImpl::forward(const torch::Tensor &x) {
    std::vector<torch::Tensor> maps{x};
    for (auto &layer : m_layers)
        maps.push_back(layer->forward(torch::cat(maps, 1)));
    return torch::cat(maps, 1);
}

TransitionImpl::TransitionImpl(int inChannels, int outChannels) {
    m_norm = register_module("norm", torch::nn::BatchNorm2d(inChannels));
    m_conv = register_module("conv", convolution(inChannels, outChannels, 1));
}

torch::Tensor TransitionImpl::forward(const torch::Tensor &x) {
    return F::avg_pool2d(m_conv(m_norm(x).relu_()), F::AvgPool2dFuncOptions(2).stride(2));
}

DenseNet121Impl::DenseNet121Impl(int numClasses) {
    torch::nn::Sequential features;
    features->push_back("conv0", convolution(3, kInitialFeatures, 7, 2, 3));
    features->push_back("norm0", torch::nn::BatchNorm2d(kInitialFeatures));
    features->push_back("relu0", torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true)));
    features->push_back("pool0",
                        torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(2).padding(1)));
    int channels = kInitialFeatures;
    for (int b = 0; b < 4; ++b) {
        features->push_back("denseblock" + std::to_string(b + 1),
                            DenseBlock(kBlockLayers[b], channels, kGrowthRate, kBnSize));
        channels += kBlockLayers[b] * kGrowthRate;
        if (b < 3) {
            features->push_back("transition" + std::to_string(b + 1),
                                Transition(channels, channels / 2));
            channels /= 2;
        }
    }
    features->push_back("norm5", torch::nn::BatchNorm2d(channels));
    m_features = register_module("features", features);
    m_numFeatures = channels;

    detail::initialiseLayers(*this, detail::KaimingMode::FanIn);
    resetHead(numClasses);
}

void DenseNet121Impl::resetHead(int numClasses) {
    if (numClasses < 1)
        throw std::invalid_argument("a network needs at least one output class");
    if (m_classifier)
        unregister_module("classifier");
    m_classifier = register_module("classifier", torch::nn::Linear(m_numFeatures, numClasses));
    torch::nn::init::zeros_(m_classifier->bias); // as torchvision does
}

torch::Tensor DenseNet121Impl::features(const torch::Tensor &x) {
    // Not in place (torchvision uses inplace=True here): Grad-CAM keeps the
    // returned map and needs its gradient intact.
    return F::relu(m_features->forward(x));
}

torch::Tensor DenseNet121Impl::classify(const torch::Tensor &featureMap) {
    return m_classifier(pooledFeatures(featureMap));
}

} // namespace cxr
