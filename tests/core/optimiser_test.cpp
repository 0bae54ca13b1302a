// SPDX-License-Identifier: MIT
// Adam's state through last.pt: as named tensors, and from the single byte
// tensor of files written before them.
#include <gtest/gtest.h>
#include <torch/optim/adam.h>
#include <torch/types.h>

#include "errors.h"
#include "train/optimiser.h"

namespace cxr {
namespace {

// Two parameters (one channels-last, as the trainer's convolutions are) and
// an Adam that has stepped twice on a fixed loss.
struct Stepped {
    std::vector<at::Tensor> parameters;
    std::unique_ptr<torch::optim::Optimizer> adam;
};

Stepped stepped(bool step = true) {
    torch::manual_seed(5);
    Stepped s;
    s.parameters = {torch::randn({4, 3, 2, 2}).contiguous(at::MemoryFormat::ChannelsLast),
                    torch::randn({5})};
    for (auto &p : s.parameters)
        p.set_requires_grad(true);
    TrainConfig config;
    s.adam = makeOptimiser(config, s.parameters);
    for (int i = 0; step && i < 2; ++i) {
        s.adam->zero_grad();
        (s.parameters[0].pow(2).sum() + s.parameters[1].sin().sum()).backward();
        s.adam->step();
    }
    return s;
}

// The next step from a restored state lands where the original's does.
void expectSameNextStep(Stepped &original, Stepped &restored) {
    for (std::size_t i = 0; i < original.parameters.size(); ++i) {
        torch::NoGradGuard noGrad;
        restored.parameters[i].copy_(original.parameters[i]);
    }
    for (Stepped *s : {&original, &restored}) {
        s->adam->zero_grad();
        (s->parameters[0].pow(2).sum() + s->parameters[1].sin().sum()).backward();
        s->adam->step();
    }
    for (std::size_t i = 0; i < original.parameters.size(); ++i)
        EXPECT_TRUE(torch::equal(original.parameters[i], restored.parameters[i])) << i;
}

TEST(OptimiserState, NamedTensorsRestoreExactly) {
    Stepped original = stepped();
    const StateDict tensors = optimiserTensors(*original.adam);
    ASSERT_EQ(tensors.size(), 6u); // step, exp_avg, exp_avg_sq for each parameter
    EXPECT_EQ(tensors[0].first, "optimizer.0.step");
    EXPECT_EQ(tensors[0].second.item<std::int64_t>(), 2);
    Stepped restored = stepped(false);
    EXPECT_TRUE(restoreOptimiser(*restored.adam, tensors));
    expectSameNextStep(original, restored);
}

TEST(OptimiserState, FilesWrittenAsBytesStillRestore) {
    Stepped original = stepped();
    Stepped restored = stepped(false);
    EXPECT_TRUE(restoreOptimiser(*restored.adam, {{"optimizer", optimiserState(*original.adam)}}));
    expectSameNextStep(original, restored);
}

TEST(OptimiserState, AFreshOptimiserHasNothingToSaveOrRestore) {
    Stepped fresh = stepped(false);
    EXPECT_TRUE(optimiserTensors(*fresh.adam).empty());
    EXPECT_FALSE(restoreOptimiser(*fresh.adam, {{"progress.epoch", torch::tensor(1)}}));
}

TEST(OptimiserState, StateOfAnotherNetworkIsRefused) {
    Stepped original = stepped();
    StateDict tensors = optimiserTensors(*original.adam);
    Stepped other = stepped(false);
    tensors[1].second = torch::zeros({3});
    EXPECT_THROW(restoreOptimiser(*other.adam, tensors), Error);
    EXPECT_THROW(restoreOptimiser(*other.adam, {{"optimizer.9.exp_avg", torch::zeros({5})}}),
                 Error);
    EXPECT_THROW(restoreOptimiser(*other.adam, {{"optimizer.x.step", torch::tensor(1)}}), Error);
    EXPECT_THROW(restoreOptimiser(*other.adam, {{"optimizer.1.step", torch::tensor(1)}}), Error);
}

} // namespace
} // namespace cxr
