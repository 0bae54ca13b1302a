// SPDX-License-Identifier: MIT
#pragma once

#include <memory>

#include "infer/inference_network.h"

namespace cxr {

// DenseNet121's inference snapshot, run directly on oneDNN (the library
// LibTorch itself calls for convolutions): activations stay in oneDNN's
// blocked layout from the first convolution to norm5, each dense block
// writes its layers' outputs into one buffer (concatenation costs nothing),
// norm1 + ReLU is one oneDNN BatchNorm pass, and conv0 + norm0 and
// conv1 + norm2 are folded convolutions with a fused ReLU. Use through
// InferenceNetwork::build.
std::unique_ptr<InferenceNetwork> buildDenseNet121Inference(const Network &network);

} // namespace cxr
