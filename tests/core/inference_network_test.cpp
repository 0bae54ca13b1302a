// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/utils.h>

#include "infer/inference_network.h"
#include "support/model_fixture.h"

namespace cxr {
namespace {

// BatchNorm statistics and affine parameters far from their defaults, so a
// folding mistake (scale, shift, epsilon, which BN goes with which conv)
// changes the output.
void randomiseBatchNorms(NetworkImpl &network) {
    torch::NoGradGuard noGrad;
    for (const auto &m : network.modules())
        if (auto *bn = m->as<torch::nn::BatchNorm2dImpl>()) {
            bn->running_mean.uniform_(-0.3, 0.3);
            bn->running_var.uniform_(0.3, 2.0);
            bn->weight.uniform_(0.5, 1.5);
            bn->bias.uniform_(-0.2, 0.2);
        }
}

class InferenceParity : public ::testing::TestWithParam<Architecture> {};

// The folded (and, for ResNet50, oneDNN-packed) snapshot computes what the
// network computes in eval mode: feature maps and logits, batch 1 and 3,
// at two input sizes.
TEST_P(InferenceParity, MatchesTheNetworkInEvalMode) {
    torch::manual_seed(7);
    Network network = makeNetwork(GetParam(), 4);
    randomiseBatchNorms(*network);
    network->eval();
    const auto fast = InferenceNetwork::build(network);
    for (const int size : {64, 100}) // 100: odd maps (25 -> 12) on the way down
        for (const int batch : {1, 3}) {
            SCOPED_TRACE("size " + std::to_string(size) + ", batch " + std::to_string(batch));
            const at::Tensor x = torch::randn({batch, 3, size, size});
            torch::NoGradGuard noGrad;
            const at::Tensor expected = network->features(x);
            const at::Tensor actual = fast->features(x);
            ASSERT_EQ(actual.sizes(), expected.sizes());
            EXPECT_FALSE(actual.is_mkldnn());
            EXPECT_TRUE(actual.is_contiguous());
            const double scale = expected.abs().max().item<double>();
            EXPECT_LT(test::maxAbsDiff(actual, expected), 1e-4 * scale);
            EXPECT_LT(test::maxAbsDiff(fast->forward(x), network->forward(x)), 1e-4 * scale);
        }
}

// A snapshot keeps the weights it was built from.
TEST_P(InferenceParity, IsASnapshot) {
    torch::manual_seed(3);
    Network network = makeNetwork(GetParam(), 2);
    network->eval();
    const auto fast = InferenceNetwork::build(network);
    const at::Tensor x = torch::randn({1, 3, 64, 64});
    torch::NoGradGuard noGrad;
    const at::Tensor before = fast->features(x).clone();
    for (auto &p : network->parameters())
        p.mul_(0.5);
    EXPECT_LT(test::maxAbsDiff(fast->features(x), before), 1e-6);
}

INSTANTIATE_TEST_SUITE_P(Architectures,
                         InferenceParity,
                         ::testing::Values(Architecture::ResNet50, Architecture::DenseNet121),
                         [](const auto &param) { return architectureName(param.param); });

} // namespace
} // namespace cxr
