// SPDX-License-Identifier: MIT
#include "models/inference_network.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/utils.h>

namespace cxr {
namespace {

// The trained network's tensors by torchvision name, and its BatchNorms'
// epsilons, read once.
class Weights {
  public:
    explicit Weights(NetworkImpl &network) {
        for (const auto &p : network.named_parameters())
            m_tensors[p.key()] = p.value().detach();
        for (const auto &b : network.named_buffers())
            m_tensors[b.key()] = b.value().detach();
        for (const auto &m : network.named_modules())
            if (const auto *bn = m.value()->as<torch::nn::BatchNorm2dImpl>())
                m_eps[m.key()] = bn->options.eps();
    }
    const at::Tensor &operator[](const std::string &name) const {
        const auto it = m_tensors.find(name);
        if (it == m_tensors.end())
            throw std::logic_error("inference network: no tensor \"" + name + "\"");
        return it->second;
    }
    double eps(const std::string &bn) const { return m_eps.at(bn); }

  private:
    std::map<std::string, at::Tensor> m_tensors;
    std::map<std::string, double> m_eps;
};

// A BatchNorm in eval mode as y = x * scale + shift per channel.
struct Affine {
    at::Tensor scale, shift;
};

Affine batchNormAffine(const Weights &w, const std::string &bn) {
    const at::Tensor scale = w[bn + ".weight"] / (w[bn + ".running_var"] + w.eps(bn)).sqrt();
    return {scale, w[bn + ".bias"] - w[bn + ".running_mean"] * scale};
}

// A convolution with the BatchNorm after it folded in: W' = W * scale per
// output channel, b' = shift (the convolutions here have no bias).
struct FoldedConv {
    at::Tensor weight, bias;
    std::vector<int64_t> stride, padding;
};

FoldedConv
fold(const Weights &w, const std::string &conv, const std::string &bn, int stride, int padding) {
    const Affine a = batchNormAffine(w, bn);
    FoldedConv f;
    f.weight = (w[conv + ".weight"] * a.scale.view({-1, 1, 1, 1})).contiguous();
    f.bias = a.shift.contiguous();
    f.stride = {stride, stride};
    f.padding = {padding, padding};
    return f;
}

at::Tensor run(const FoldedConv &c, const at::Tensor &x) {
    return at::conv2d(x, c.weight, c.bias, c.stride, c.padding);
}

// ResNet50 with every activation in oneDNN's blocked layout.
class ResNet50Inference final : public InferenceNetwork {
  public:
    explicit ResNet50Inference(const Network &network) : InferenceNetwork(network) {
        torch::NoGradGuard noGrad;
        const Weights w(*network);
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

// DenseNet121 in plain tensors, with conv0+norm0 and each layer's
// conv1+norm2 folded, and each block's growing concatenation written into
// one preallocated buffer instead of re-concatenated for every layer.
class DenseNet121Inference final : public InferenceNetwork {
  public:
    explicit DenseNet121Inference(const Network &network) : InferenceNetwork(network) {
        torch::NoGradGuard noGrad;
        const Weights w(*network);
        m_stem = fold(w, "features.conv0", "features.norm0", 2, 3);
        constexpr int kLayers[4] = {6, 12, 24, 16};
        for (int b = 0; b < 4; ++b) {
            const std::string block = "features.denseblock" + std::to_string(b + 1) + ".";
            Block out;
            for (int i = 0; i < kLayers[b]; ++i) {
                const std::string p = block + "denselayer" + std::to_string(i + 1) + ".";
                Layer layer;
                layer.norm1 = batchNormAffine(w, p + "norm1");
                layer.conv1 = fold(w, p + "conv1", p + "norm2", 1, 0);
                layer.conv2 = w[p + "conv2.weight"].clone();
                out.layers.push_back(std::move(layer));
            }
            if (b < 3) {
                const std::string t = "features.transition" + std::to_string(b + 1) + ".";
                out.transitionNorm = batchNormAffine(w, t + "norm");
                out.transitionConv = w[t + "conv.weight"].clone();
            }
            m_blocks.push_back(std::move(out));
        }
        m_norm5 = batchNormAffine(w, "features.norm5");
    }

    at::Tensor features(const at::Tensor &input) override {
        at::Tensor x = run(m_stem, input).relu_();
        x = at::max_pool2d(x, {3, 3}, {2, 2}, {1, 1});
        for (const Block &block : m_blocks) {
            const int64_t growth = block.layers.front().conv2.size(0);
            const int64_t first = x.size(1);
            const int64_t total = first + growth * static_cast<int64_t>(block.layers.size());
            at::Tensor maps = at::empty({x.size(0), total, x.size(2), x.size(3)}, x.options());
            maps.narrow(1, 0, first).copy_(x);
            int64_t channels = first;
            for (const Layer &layer : block.layers) {
                at::Tensor t = affineRelu(maps.narrow(1, 0, channels), layer.norm1);
                t = run(layer.conv1, t).relu_();
                maps.narrow(1, channels, growth).copy_(at::conv2d(t, layer.conv2, {}, 1, 1));
                channels += growth;
            }
            x = maps;
            if (block.transitionConv.defined()) {
                x = at::conv2d(affineRelu(x, block.transitionNorm), block.transitionConv);
                x = at::avg_pool2d(x, {2, 2}, {2, 2});
            }
        }
        return affineRelu(x, m_norm5);
    }

  private:
    struct Layer {
        Affine norm1;
        FoldedConv conv1;
        at::Tensor conv2;
    };
    struct Block {
        std::vector<Layer> layers;
        Affine transitionNorm;
        at::Tensor transitionConv; // undefined after the last block
    };

    // relu(x * scale + shift) per channel in one pass over memory (two ATen
    // ops would read and write the whole map twice). `x` is N x C x H x W
    // with contiguous planes, such as a channel slice of a block's buffer.
    static at::Tensor affineRelu(const at::Tensor &x, const Affine &a) {
        const int64_t batch = x.size(0), channels = x.size(1);
        const int64_t plane = x.size(2) * x.size(3);
        if (x.scalar_type() != at::kFloat || x.stride(3) != 1 || x.stride(2) != x.size(3) ||
            x.stride(1) != plane) {
            const auto shape = std::vector<int64_t>{1, -1, 1, 1};
            return at::addcmul(a.shift.view(shape), x, a.scale.view(shape)).relu_();
        }
        at::Tensor out = at::empty({batch, channels, x.size(2), x.size(3)}, x.options());
        const float *in = x.data_ptr<float>();
        float *dst = out.data_ptr<float>();
        const float *scale = a.scale.data_ptr<float>();
        const float *shift = a.shift.data_ptr<float>();
        const int64_t batchStride = x.stride(0);
        at::parallel_for(0, batch * channels, 8, [&](int64_t begin, int64_t end) {
            for (int64_t p = begin; p < end; ++p) {
                const int64_t c = p % channels;
                const float *src = in + (p / channels) * batchStride + c * plane;
                float *o = dst + p * plane;
                const float s = scale[c], t = shift[c];
                for (int64_t i = 0; i < plane; ++i)
                    o[i] = std::max(src[i] * s + t, 0.0f);
            }
        });
        return out;
    }

    FoldedConv m_stem;
    std::vector<Block> m_blocks;
    Affine m_norm5;
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
        return std::make_unique<DenseNet121Inference>(network);
    }
    throw std::logic_error("inference network: unknown architecture");
}

} // namespace cxr
