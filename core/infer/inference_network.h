// SPDX-License-Identifier: MIT
#pragma once

#include <memory>

#include <ATen/core/Tensor.h>

#include "models/network.h"

namespace cxr {

// An inference-only snapshot of a trained network's backbone, for
// predictions and for the Grad-CAM backbone pass. It computes exactly what
// network.features() computes in eval mode (within float rounding), faster:
//  - every BatchNorm that directly follows a convolution is folded into that
//    convolution's weight and bias, using the running statistics;
//  - for ResNet50, the folded weights are reordered once into oneDNN's
//    blocked layout and the activations stay in that layout from the first
//    convolution to the last, so no layer pays to reorder its weights or its
//    input on every call (which at::conv2d on plain tensors does).
// DenseNet121 concatenates feature maps, which LibTorch 1.13 cannot do on
// oneDNN tensors, so it runs on oneDNN's own API instead (see
// densenet_inference.h) with its blocks concatenated in place.
//
// The snapshot does not follow later changes to the network: rebuild it
// after training or loading weights. Not thread-safe, like the network.
class InferenceNetwork {
  public:
    virtual ~InferenceNetwork() = default;

    // N x 3 x S x S float input -> the last feature map as a plain
    // contiguous tensor (N x C x h x w). Run under NoGradGuard or
    // InferenceMode; the caller chooses.
    virtual at::Tensor features(const at::Tensor &input) = 0;

    // Logits: features() through the source network's own head.
    at::Tensor forward(const at::Tensor &input);

    // Builds the snapshot from `network`'s current weights. The network must
    // outlive the snapshot (its head is shared, not copied).
    static std::unique_ptr<InferenceNetwork> build(const Network &network);

  protected:
    explicit InferenceNetwork(Network network) : m_network(std::move(network)) {}
    Network m_network;
};

} // namespace cxr
