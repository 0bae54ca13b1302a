// SPDX-License-Identifier: MIT
#include "infer/inference_network.h"

#include <stdexcept>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <torch/utils.h>

#include "infer/densenet_inference.h"
#include "infer/folded_weights.h"

namespace cxr {
namespace {

// ResNet50 with every activation in oneDNN's blocked layout.
class ResNet50Inference final : public InferenceNetwork {
  public:
    explicit ResNet50Inference(const Network &network) : InferenceNetwork(network) {
        torch::NoGradGuard noGrad;
        const NetworkTensors w(*network);
        m_stem = packed(fold(w, "conv1", "bn1", 2, 3));
        constexpr int kBlocks[4] = {3, 4, 6, 3};
        for (int stage = 0; stage < 4; ++stage)
            for (int b = 0; b < kBlocks[stage]; ++b) {
                const std::string p =
                    "layer" + std::to_string(stage + 1) + "." + std::to_string(b) + ".";
                const int stride = (b == 0 && stage > 0) ? 2 : 1;
                Block block;
                block.conv1 = packed(fold(w, p + "conv1", p + "bn1", 1, 0));
                block.conv2 = packed(fold(w, p + "conv2", p + "bn2", stride, 1));
                block.conv3 = packed(fold(w, p + "conv3", p + "bn3", 1, 0));
                if (b == 0) {
                    block.downsample =
                        packed(fold(w, p + "downsample.0", p + "downsample.1", stride, 0));
                    block.hasDownsample = true;
                }
                m_blocks.push_back(std::move(block));
            }
    }

    at::Tensor features(const at::Tensor &input) override {
        at::Tensor x = conv(m_stem, input.contiguous().to_mkldnn()).relu_();
        x = at::max_pool2d(x, {3, 3}, {2, 2}, {1, 1});
        for (const Block &b : m_blocks) {
            at::Tensor out = conv(b.conv1, x).relu_();
            out = conv(b.conv2, out).relu_();
            out = conv(b.conv3, out);
            out.add_(b.hasDownsample ? conv(b.downsample, x) : x);
            x = out.relu_();
        }
        return x.to_dense();
    }

  private:
    struct Block {
        FoldedConv conv1, conv2, conv3, downsample;
        bool hasDownsample = false;
    };

    // The weight reordered once for oneDNN; the bias as a oneDNN tensor.
    static FoldedConv packed(FoldedConv c) {
        c.weight =
            at::mkldnn_reorder_conv2d_weight(c.weight.to_mkldnn(), c.padding, c.stride, {1, 1}, 1);
        c.bias = c.bias.to_mkldnn();
        return c;
    }
    static at::Tensor conv(const FoldedConv &c, const at::Tensor &x) {
        return at::mkldnn_convolution(x, c.weight, c.bias, c.padding, c.stride, {1, 1}, 1);
    }

    FoldedConv m_stem;
    std::vector<Block> m_blocks;
};

} // namespace

at::Tensor InferenceNetwork::forward(const at::Tensor &input) {
    return m_network->classify(features(input));
}

std::unique_ptr<InferenceNetwork> InferenceNetwork::build(const Network &network) {
    switch (network->architecture()) {
    case Architecture::ResNet50:
        return std::make_unique<ResNet50Inference>(network);
    case Architecture::DenseNet121:
        return buildDenseNet121Inference(network);
    }
    throw std::logic_error("inference network: unknown architecture");
}

} // namespace cxr
