// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>

#include "models/architecture.h"

namespace cxr {

// A classification network split the way Grad-CAM needs it:
//   logits = classify(features(x))
// features() returns the last convolutional feature map (N x C x h x w) as
// a fresh tensor (no in-place op touches it afterwards, so its gradient is
// usable); classify() pools it and applies the linear head.
//
// Parameter and buffer names are exactly torchvision's, so state dicts move
// between PyTorch and CXR Studio unchanged. Not thread-safe: one thread
// runs a given network at a time (clone it for another thread).
class NetworkImpl : public torch::nn::Module {
  public:
    virtual torch::Tensor features(const torch::Tensor &x) = 0;
    virtual torch::Tensor classify(const torch::Tensor &featureMap) = 0;
    torch::Tensor forward(const torch::Tensor &x) { return classify(features(x)); }

    virtual Architecture architecture() const = 0;
    virtual torch::nn::Linear head() const = 0; // the final fully connected layer
    std::string headPrefix() const;             // "fc" or "classifier", from the architecture table
    int numClasses() const;

    // Replaces the head with a freshly initialised one of `numClasses`
    // outputs (transfer learning onto a new task).
    virtual void resetHead(int numClasses) = 0;
};

using Network = std::shared_ptr<NetworkImpl>;

// The global average of a feature map, N x C x h x w -> N x C: what both
// architectures' heads take, and the features the out-of-distribution
// gate measures.
torch::Tensor pooledFeatures(const torch::Tensor &featureMap);

// A network with torchvision's initialisation (Kaiming normal convolutions,
// BatchNorm weight 1 and bias 0, default Linear). Deterministic under
// torch::manual_seed. Throws std::invalid_argument for numClasses < 1.
Network makeNetwork(Architecture arch, int numClasses);

// Stores every convolution weight channels-last (NHWC). oneDNN then takes
// and gives NHWC activations (the first convolution switches them over)
// instead of reordering plain NCHW tensors and weights around every
// convolution, forward and backward: measured 20% more training
// throughput for DenseNet121 and 6-20% for ResNet50 with LibTorch 1.13.
// Values, names and state dicts are unchanged (checkpoints are written
// contiguous). Call before creating an optimiser over the parameters.
void useChannelsLast(NetworkImpl &network);

} // namespace cxr
