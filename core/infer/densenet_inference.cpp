// SPDX-License-Identifier: MIT
#include "infer/densenet_inference.h"

#include <map>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <ATen/ATen.h>
#include <oneapi/dnnl/dnnl.hpp>
#include <torch/utils.h>

#include "infer/folded_weights.h"

namespace cxr {
namespace {

using dnnl::memory;

// oneDNN's blocked activation layout for this CPU: channels in blocks of
// 16 with AVX-512, of 8 otherwise. Every channel count in DenseNet121 (64,
// 128, 256, 512, 1024 and the growth of 32) is a multiple of 16, so a
// prefix or a 32-channel slice of a block's buffer is itself a blocked
// tensor at a pointer offset: that is what lets the layers concatenate for
// free.
memory::format_tag blockedTag() {
    const int core = static_cast<int>(dnnl::cpu_isa::avx512_core);
    return (static_cast<int>(dnnl::get_effective_cpu_isa()) & core) == core
               ? memory::format_tag::nChw16c
               : memory::format_tag::nChw8c;
}

// A BatchNorm's own parameters, copied so the snapshot keeps them.
struct Norm {
    at::Tensor mean, variance, weight, bias;
    float eps = 0;
};

Norm readNorm(const NetworkTensors &w, const std::string &name) {
    return {w[name + ".running_mean"].contiguous().clone(),
            w[name + ".running_var"].contiguous().clone(),
            w[name + ".weight"].contiguous().clone(),
            w[name + ".bias"].contiguous().clone(),
            static_cast<float>(w.eps(name))};
}

// The padding after the last window that makes oneDNN's output size equal
// PyTorch's floor((in + 2 * padLeft - kernel) / stride) + 1.
int64_t padRight(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padLeft) {
    return (out - 1) * stride + kernel - in - padLeft;
}

memory::dims dimsOf(const at::Tensor &t) { return {t.sizes().begin(), t.sizes().end()}; }

float *floats(const at::Tensor &t) { return t.data_ptr<float>(); }

// One image's pass through the network as a flat list of oneDNN primitives
// with their arguments, built once per input size. Buffers are owned by the
// plan; only the input and output handles change from call to call.
struct Plan {
    struct Step {
        dnnl::primitive primitive;
        std::unordered_map<int, memory> args;
    };
    std::vector<Step> steps;
    memory input, output;
    // The block buffers, which steps see only through channel slices that
    // do not own their memory.
    std::vector<memory> buffers;
};

// Builds a Plan: each method appends one primitive.
class PlanBuilder {
  public:
    PlanBuilder(const dnnl::engine &engine, dnnl::stream &stream)
        : m_engine(engine), m_stream(stream), m_tag(blockedTag()) {}

    // A new blocked buffer of channels x h x w, owned by the plan.
    memory blocked(int64_t channels, int64_t h, int64_t w) {
        m_plan.buffers.emplace_back(
            memory::desc({1, channels, h, w}, memory::data_type::f32, m_tag), m_engine);
        return m_plan.buffers.back();
    }
    // `channels` channels of `buffer` from `offset` on, without a copy.
    memory slice(const memory &buffer, int64_t offset, int64_t channels) const {
        const int64_t block = m_tag == memory::format_tag::nChw16c ? 16 : 8;
        if (offset % block != 0 || channels % block != 0)
            throw std::logic_error("inference network: a channel slice must be whole blocks");
        const memory::dims d = buffer.get_desc().dims();
        float *base = static_cast<float *>(buffer.get_data_handle());
        return memory({{1, channels, d[2], d[3]}, memory::data_type::f32, m_tag},
                      m_engine,
                      base + offset * d[2] * d[3]);
    }
    // A plain NCHW view of one image, whose pointer is set per call.
    memory plain(int64_t channels, int64_t h, int64_t w) const {
        return memory({{1, channels, h, w}, memory::data_type::f32, memory::format_tag::nchw},
                      m_engine,
                      nullptr);
    }

    // dst = conv(src) + bias, then ReLU if asked. The weights are reordered
    // once into the layout the chosen kernel wants.
    void convolution(const FoldedConv &c, const memory &src, const memory &dst, bool relu) {
        const memory::dims stride = {c.stride[0], c.stride[1]};
        const memory::dims padL = {c.padding[0], c.padding[1]};
        const memory::dims in = src.get_desc().dims(), out = dst.get_desc().dims();
        const memory::dims padR = {padRight(in[2], out[2], c.weight.size(2), stride[0], padL[0]),
                                   padRight(in[3], out[3], c.weight.size(3), stride[1], padL[1])};
        const memory::desc anyWeights(
            dimsOf(c.weight), memory::data_type::f32, memory::format_tag::any);
        const memory::desc biasDesc =
            c.bias.defined()
                ? memory::desc({c.bias.size(0)}, memory::data_type::f32, memory::format_tag::x)
                : memory::desc();
        dnnl::primitive_attr attr;
        if (relu) {
            dnnl::post_ops ops;
            ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
            attr.set_post_ops(ops);
        }
        const dnnl::convolution_forward::primitive_desc pd({dnnl::prop_kind::forward_inference,
                                                            dnnl::algorithm::convolution_direct,
                                                            src.get_desc(),
                                                            anyWeights,
                                                            biasDesc,
                                                            dst.get_desc(),
                                                            stride,
                                                            padL,
                                                            padR},
                                                           attr,
                                                           m_engine);
        memory userWeights({dimsOf(c.weight), memory::data_type::f32, memory::format_tag::oihw},
                           m_engine,
                           floats(c.weight));
        memory weights(pd.weights_desc(), m_engine);
        dnnl::reorder(userWeights, weights).execute(m_stream, userWeights, weights);
        m_stream.wait();
        std::unordered_map<int, memory> args = {
            {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DST, dst}};
        if (c.bias.defined())
            args[DNNL_ARG_BIAS] = memory(biasDesc, m_engine, floats(c.bias));
        m_plan.steps.push_back({dnnl::convolution_forward(pd), std::move(args)});
    }

    // dst = relu(batchnorm(src)) with the running statistics. oneDNN's
    // kernel does it in one pass over memory.
    void normRelu(const Norm &n, const memory &src, const memory &dst) {
        const auto flags =
            dnnl::normalization_flags::use_global_stats | dnnl::normalization_flags::use_scale |
            dnnl::normalization_flags::use_shift | dnnl::normalization_flags::fuse_norm_relu;
        const dnnl::batch_normalization_forward::primitive_desc pd(
            {dnnl::prop_kind::forward_inference, src.get_desc(), n.eps, flags}, m_engine);
        const memory::desc vector({n.mean.size(0)}, memory::data_type::f32, memory::format_tag::x);
        m_plan.steps.push_back({dnnl::batch_normalization_forward(pd),
                                {{DNNL_ARG_SRC, src},
                                 {DNNL_ARG_DST, dst},
                                 {DNNL_ARG_MEAN, memory(vector, m_engine, floats(n.mean))},
                                 {DNNL_ARG_VARIANCE, memory(vector, m_engine, floats(n.variance))},
                                 {DNNL_ARG_SCALE, memory(vector, m_engine, floats(n.weight))},
                                 {DNNL_ARG_SHIFT, memory(vector, m_engine, floats(n.bias))}}});
    }

    void pool(dnnl::algorithm algorithm,
              const memory &src,
              const memory &dst,
              int64_t kernel,
              int64_t stride,
              int64_t padding) {
        const memory::dims in = src.get_desc().dims(), out = dst.get_desc().dims();
        const dnnl::pooling_forward::primitive_desc pd(
            {dnnl::prop_kind::forward_inference,
             algorithm,
             src.get_desc(),
             dst.get_desc(),
             {stride, stride},
             {kernel, kernel},
             {padding, padding},
             {padRight(in[2], out[2], kernel, stride, padding),
              padRight(in[3], out[3], kernel, stride, padding)}},
            m_engine);
        m_plan.steps.push_back(
            {dnnl::pooling_forward(pd), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}}});
    }

    void reorder(const memory &src, const memory &dst) {
        m_plan.steps.push_back(
            {dnnl::reorder(src, dst), {{DNNL_ARG_FROM, src}, {DNNL_ARG_TO, dst}}});
    }

    Plan &plan() { return m_plan; }

  private:
    dnnl::engine m_engine;
    dnnl::stream &m_stream;
    memory::format_tag m_tag;
    Plan m_plan;
};

// Shrinks h x w to the output of a square window (convolution or pooling),
// PyTorch's floor((in + 2 * padding - kernel) / stride) + 1 per axis.
void shrink(int64_t &h, int64_t &w, int64_t kernel, int64_t stride, int64_t padding) {
    h = (h + 2 * padding - kernel) / stride + 1;
    w = (w + 2 * padding - kernel) / stride + 1;
    if (h < 1 || w < 1)
        throw std::invalid_argument("inference network: the input image is too small");
}

class DenseNet121Inference final : public InferenceNetwork {
  public:
    explicit DenseNet121Inference(const Network &network)
        : InferenceNetwork(network), m_engine(dnnl::engine::kind::cpu, 0), m_stream(m_engine) {
        torch::NoGradGuard noGrad;
        const NetworkTensors w(*network);
        m_stem = fold(w, "features.conv0", "features.norm0", 2, 3);
        constexpr int kLayers[4] = {6, 12, 24, 16};
        for (int b = 0; b < 4; ++b) {
            const std::string block = "features.denseblock" + std::to_string(b + 1) + ".";
            Block out;
            for (int i = 0; i < kLayers[b]; ++i) {
                const std::string p = block + "denselayer" + std::to_string(i + 1) + ".";
                out.layers.push_back({readNorm(w, p + "norm1"),
                                      fold(w, p + "conv1", p + "norm2", 1, 0),
                                      unfolded(w, p + "conv2", 1, 1)});
            }
            if (b < 3) {
                const std::string t = "features.transition" + std::to_string(b + 1) + ".";
                out.transitionNorm = readNorm(w, t + "norm");
                out.transitionConv = unfolded(w, t + "conv", 1, 0);
            }
            m_blocks.push_back(std::move(out));
        }
        m_norm5 = readNorm(w, "features.norm5");
    }

    at::Tensor features(const at::Tensor &input) override {
        if (input.dim() != 4 || input.size(1) != 3)
            throw std::invalid_argument("inference network: expected N x 3 x H x W input");
        const at::Tensor x = input.to(at::kFloat).contiguous();
        Plan &plan = planFor(x.size(2), x.size(3));
        const memory::dims outDims = plan.output.get_desc().dims();
        at::Tensor out = at::empty({x.size(0), outDims[1], outDims[2], outDims[3]}, x.options());
        // One image at a time: a channel slice of a blocked buffer is a
        // plain pointer offset only for a batch of one.
        for (int64_t n = 0; n < x.size(0); ++n) {
            plan.input.set_data_handle(x[n].data_ptr());
            plan.output.set_data_handle(out[n].data_ptr());
            for (Plan::Step &step : plan.steps)
                step.primitive.execute(m_stream, step.args);
        }
        m_stream.wait();
        return out;
    }

  private:
    struct Layer {
        Norm norm1;
        FoldedConv conv1; // norm2 folded in; ReLU after
        FoldedConv conv2;
    };
    struct Block {
        std::vector<Layer> layers;
        Norm transitionNorm;
        FoldedConv transitionConv; // weight undefined after the last block
    };

    Plan &planFor(int64_t h, int64_t w) {
        auto &slot = m_plans[{h, w}];
        if (!slot)
            slot = std::make_unique<Plan>(buildPlan(h, w));
        return *slot;
    }

    Plan buildPlan(int64_t h, int64_t w) {
        PlanBuilder b(m_engine, m_stream);
        Plan &plan = b.plan();
        plan.input = b.plain(3, h, w);
        shrink(h, w, 7, 2, 3);
        const memory stem = b.blocked(m_stem.weight.size(0), h, w);
        b.convolution(m_stem, plan.input, stem, true);
        shrink(h, w, 3, 2, 1);

        int64_t channels = m_stem.weight.size(0);
        memory buffer, transitionOut;
        for (std::size_t i = 0; i < m_blocks.size(); ++i) {
            const Block &block = m_blocks[i];
            const int64_t growth = block.layers.front().conv2.weight.size(0);
            const int64_t total = channels + growth * static_cast<int64_t>(block.layers.size());
            buffer = b.blocked(total, h, w);
            if (i == 0)
                b.pool(dnnl::algorithm::pooling_max, stem, b.slice(buffer, 0, channels), 3, 2, 1);
            else
                b.pool(dnnl::algorithm::pooling_avg_exclude_padding,
                       transitionOut,
                       b.slice(buffer, 0, channels),
                       2,
                       2,
                       0);
            // Scratch for the widest normalised input and the bottleneck.
            const memory normalised = b.blocked(total, h, w);
            const memory bottleneck = b.blocked(block.layers.front().conv1.weight.size(0), h, w);
            for (const Layer &layer : block.layers) {
                const memory in = b.slice(buffer, 0, channels);
                const memory norm = b.slice(normalised, 0, channels);
                b.normRelu(layer.norm1, in, norm);
                b.convolution(layer.conv1, norm, bottleneck, true);
                b.convolution(layer.conv2, bottleneck, b.slice(buffer, channels, growth), false);
                channels += growth;
            }
            if (block.transitionConv.weight.defined()) {
                b.normRelu(block.transitionNorm, buffer, normalised);
                channels = block.transitionConv.weight.size(0);
                transitionOut = b.blocked(channels, h, w);
                b.convolution(block.transitionConv, normalised, transitionOut, false);
                shrink(h, w, 2, 2, 0);
            }
        }
        const memory final = b.blocked(channels, h, w);
        b.normRelu(m_norm5, buffer, final);
        plan.output = b.plain(channels, h, w);
        b.reorder(final, plan.output);
        return std::move(plan);
    }

    FoldedConv m_stem;
    std::vector<Block> m_blocks;
    Norm m_norm5;
    dnnl::engine m_engine;
    dnnl::stream m_stream;
    std::map<std::pair<int64_t, int64_t>, std::unique_ptr<Plan>> m_plans;
};

} // namespace

std::unique_ptr<InferenceNetwork> buildDenseNet121Inference(const Network &network) {
    return std::make_unique<DenseNet121Inference>(network);
}

} // namespace cxr
