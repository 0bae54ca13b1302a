// SPDX-License-Identifier: MIT
// Our ResNet50 and DenseNet121 against torchvision's, with the same weights:
// a hand-ported architecture is only trusted while this test runs.
#include <gtest/gtest.h>
#include <torch/nn/functional/loss.h>
#include <torch/nn/functional/pooling.h>
#include <torch/optim/adam.h>

#include "models/network.h"
#include "support/model_fixture.h"
#include "weights/state_dict.h"
#include "weights/torch_file.h"

namespace cxr {
namespace {
namespace F = torch::nn::functional;

class NetworkParity : public ::testing::TestWithParam<const char *> {};

TEST_P(NetworkParity, MatchesTorchvisionInEvalAndOneTrainingStep) {
    CXR_REQUIRE_TORCH_REFERENCE();
    const std::string arch = GetParam();
    test::TempDir dir;
    test::TorchReference ref;
    std::string error;
    ASSERT_TRUE(test::makeTorchReference(dir, arch, 4, "zip", ref, error)) << error;

    torch::manual_seed(123); // our own init must not matter: everything is overwritten
    Network network = makeNetwork(*parseArchitecture(arch), 4);
    const TorchFile file = readTorchFile(ref.weights);
    const LoadReport report =
        loadStateDict(*network, normaliseKeys(findStateDict(file.root, "w")), "w");
    EXPECT_TRUE(report.missing.empty()) << report.summary();
    EXPECT_TRUE(report.unexpected.empty()) << report.summary();
    EXPECT_FALSE(report.headReinitialised);
    EXPECT_EQ(report.loaded, networkStateDict(*network).size());

    network->eval();
    {
        torch::NoGradGuard noGrad;
        EXPECT_LT(test::maxAbsDiff(network->forward(ref.input), ref.logitsEval), 1e-4);
        const auto pooled =
            F::adaptive_avg_pool2d(network->features(ref.input), F::AdaptiveAvgPool2dFuncOptions(1))
                .flatten(1);
        EXPECT_LT(test::maxAbsDiff(pooled, ref.pooled), 1e-4);
    }

    // One training step with train-mode BatchNorm, as torch_reference.py does.
    network->train();
    torch::optim::Adam optimiser(network->parameters(), torch::optim::AdamOptions(1e-3));
    const torch::Tensor loss = F::cross_entropy(network->forward(ref.input), ref.labels);
    EXPECT_NEAR(loss.item<double>(), ref.loss, 1e-4 * std::max(1.0, ref.loss));
    optimiser.zero_grad();
    loss.backward();
    optimiser.step();
    network->eval();
    torch::NoGradGuard noGrad;
    // Adam's first step moves each weight by about lr * sign(gradient), so
    // float noise in near-zero gradients shows up; 1e-3 still catches any
    // real difference in the backward pass.
    EXPECT_LT(test::maxAbsDiff(network->forward(ref.input), ref.logitsAfterStep), 1e-3);
}

INSTANTIATE_TEST_SUITE_P(Torchvision, NetworkParity, ::testing::Values("resnet50", "densenet121"));

TEST(Network, ShapesAndTorchvisionNames) {
    torch::manual_seed(0);
    for (Architecture arch : {Architecture::ResNet50, Architecture::DenseNet121}) {
        Network network = makeNetwork(arch, 3);
        network->eval();
        torch::NoGradGuard noGrad;
        const auto x = torch::randn({1, 3, 64, 64});
        const auto features = network->features(x);
        EXPECT_EQ(features.size(1), arch == Architecture::ResNet50 ? 2048 : 1024);
        EXPECT_EQ(features.size(2), 2); // stride 32
        EXPECT_EQ(network->forward(x).sizes(), (std::vector<int64_t>{1, 3}));
        EXPECT_EQ(network->numClasses(), 3);
        network->resetHead(5);
        EXPECT_EQ(network->forward(x).size(1), 5);
    }
    const auto resnet = networkStateDict(*makeNetwork(Architecture::ResNet50, 2));
    const auto densenet = networkStateDict(*makeNetwork(Architecture::DenseNet121, 2));
    auto has = [](const StateDict &dict, const std::string &name) {
        for (const auto &[key, t] : dict)
            if (key == name)
                return true;
        return false;
    };
    EXPECT_TRUE(has(resnet, "layer1.0.bn1.running_mean"));
    EXPECT_TRUE(has(resnet, "layer4.0.downsample.1.weight"));
    EXPECT_TRUE(has(resnet, "fc.weight"));
    EXPECT_TRUE(has(densenet, "features.denseblock1.denselayer1.norm1.weight"));
    EXPECT_TRUE(has(densenet, "features.transition3.conv.weight"));
    EXPECT_TRUE(has(densenet, "features.norm5.bias"));
    EXPECT_TRUE(has(densenet, "classifier.weight"));
    EXPECT_EQ(resnet.size(), 320u);   // torchvision resnet50().state_dict()
    EXPECT_EQ(densenet.size(), 727u); // torchvision densenet121().state_dict()
}

TEST(Network, RejectsZeroClasses) {
    EXPECT_THROW(makeNetwork(Architecture::ResNet50, 0), std::invalid_argument);
}

} // namespace
} // namespace cxr
