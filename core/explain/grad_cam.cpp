// SPDX-License-Identifier: MIT
#include "explain/grad_cam.h"

#include <cstring>
#include <stdexcept>

#include <torch/autograd.h>
#include <torch/types.h>

namespace cxr {
namespace {

// Selvaraju et al. (2017), eq. 1: global-average-pooled gradients.
torch::Tensor gradCamWeights(const torch::Tensor &grad) { return grad.mean({1, 2}); }

// Chattopadhay et al. (2018), eq. 19, with the exponential of the score as
// the output: alpha = g^2 / (2 g^2 + sum_ab A g^3), and the channel weight is
// sum_ij alpha * relu(g).
torch::Tensor gradCamPlusPlusWeights(const torch::Tensor &grad, const torch::Tensor &activations) {
    const torch::Tensor g2 = grad.pow(2), g3 = grad.pow(3);
    const torch::Tensor denominator = 2 * g2 + (activations * g3).sum({1, 2}, /*keepdim=*/true);
    const torch::Tensor alpha =
        g2 / torch::where(denominator != 0, denominator, torch::ones_like(denominator));
    return (alpha * torch::relu(grad)).sum({1, 2});
}

// The weight of each feature channel (C) for a method.
torch::Tensor
channelWeights(CamMethod method, const torch::Tensor &grad, const torch::Tensor &activations) {
    switch (method) {
    case CamMethod::GradCam:
        return gradCamWeights(grad);
    case CamMethod::GradCamPlusPlus:
        return gradCamPlusPlusWeights(grad, activations);
    }
    throw std::logic_error("a CAM method has no channel weighting");
}

} // namespace

CamResult classActivationMap(NetworkImpl &network,
                             const at::Tensor &input,
                             std::optional<int> targetClass,
                             CamMethod method,
                             const FeatureMapFn &featureMap) {
    if (input.dim() != 4 || input.size(0) != 1)
        throw std::invalid_argument("classActivationMap expects one image (1 x C x H x W)");
    network.eval();
    // The backbone runs without recording a graph: Grad-CAM needs the
    // gradient with respect to the feature map only, which the head alone
    // provides. The map then becomes the leaf of a tiny graph (pool + head),
    // so explaining costs about one inference and no parameter gradient is
    // ever accumulated.
    torch::Tensor features;
    {
        torch::NoGradGuard noGrad;
        features = featureMap ? featureMap(input) : network.features(input);
    }
    torch::AutoGradMode enableGrad(true);
    features = features.detach().requires_grad_(true);
    const torch::Tensor logits = network.classify(features);
    const int classes = static_cast<int>(logits.size(1));
    const int target =
        targetClass ? *targetClass : static_cast<int>(logits.argmax(1).item<int64_t>());
    if (target < 0 || target >= classes)
        throw std::invalid_argument("target class " + std::to_string(target) + " is out of range");
    const torch::Tensor score = logits[0][target];
    const torch::Tensor grad = torch::autograd::grad({score}, {features})[0][0]; // C x h x w
    const torch::Tensor activations = features.detach()[0];

    const torch::Tensor weights = channelWeights(method, grad, activations);
    torch::Tensor cam = torch::relu((weights.view({-1, 1, 1}) * activations).sum(0));
    const double peak = cam.max().item<double>();
    cam = peak > 0 ? cam / peak : torch::zeros_like(cam);
    cam = cam.contiguous().to(torch::kFloat);

    CamResult result;
    result.logits = logits.detach();
    result.featureMap = features.detach();
    result.targetClass = target;
    result.map = cv::Mat(static_cast<int>(cam.size(0)), static_cast<int>(cam.size(1)), CV_32FC1);
    std::memcpy(result.map.data, cam.data_ptr<float>(), cam.numel() * sizeof(float));
    return result;
}

} // namespace cxr
