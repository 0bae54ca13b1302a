// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <ATen/core/Tensor.h>
#include <opencv2/core/mat.hpp>

#include "explain/cam_method.h"
#include "models/network.h"

namespace cxr {

struct CamResult {
    at::Tensor logits;     // 1 x K, from the same forward pass
    at::Tensor featureMap; // 1 x C x h x w, the last feature map of that pass (no gradient)
    int targetClass = 0;
    cv::Mat map; // CV_32FC1 at feature-map resolution, in [0, 1]
};

// Class activation map of one input (1 x 3 x S x S) for `targetClass`
// (nullopt: the top-1 class), on the network's last convolutional feature
// map (features()). Runs one forward and one backward pass with gradients
// on, so it must not run under InferenceMode; parameters' gradients are
// left untouched. The map is ReLU'd and divided by its maximum (all zeros
// when nothing supports the class). `featureMap`, when given, must compute
// network.features(input) (an inference snapshot of the same weights does
// it faster, and the head's gradient is all Grad-CAM needs).
using FeatureMapFn = std::function<at::Tensor(const at::Tensor &input)>;
CamResult classActivationMap(NetworkImpl &network,
                             const at::Tensor &input,
                             std::optional<int> targetClass,
                             CamMethod method,
                             const FeatureMapFn &featureMap = {});

} // namespace cxr
