// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <torch/nn/modules/linear.h>
#include <torch/types.h>

#include "explain/grad_cam.h"

namespace cxr {
namespace {

// A network whose right answer is known: feature channel k is the input's
// first channel masked to region k, and logit k is the mean of channel k.
// The evidence for class k therefore lies in region k and nowhere else.
class RegionNetImpl : public NetworkImpl {
  public:
    explicit RegionNetImpl(std::vector<cv::Rect> regions, int size)
        : m_masks(torch::zeros({static_cast<int64_t>(regions.size()), size, size})) {
        for (std::size_t k = 0; k < regions.size(); ++k) {
            const cv::Rect &r = regions[k];
            m_masks[static_cast<int64_t>(k)]
                .slice(0, r.y, r.y + r.height)
                .slice(1, r.x, r.x + r.width)
                .fill_(1.0);
        }
        m_head = register_module("fc", torch::nn::Linear(1, 1)); // unused; satisfies head()
    }
    torch::Tensor features(const torch::Tensor &x) override {
        return x.select(1, 0).unsqueeze(1) * m_masks.unsqueeze(0);
    }
    torch::Tensor classify(const torch::Tensor &map) override { return map.mean({2, 3}); }
    Architecture architecture() const override { return Architecture::ResNet50; }
    torch::nn::Linear head() const override { return m_head; }
    void resetHead(int) override {}

  private:
    torch::Tensor m_masks;
    torch::nn::Linear m_head{nullptr};
};

cv::Point peakOf(const cv::Mat &map) {
    cv::Point where;
    cv::minMaxLoc(map, nullptr, nullptr, nullptr, &where);
    return where;
}

class GradCamKnownAnswer : public ::testing::TestWithParam<CamMethod> {};

TEST_P(GradCamKnownAnswer, PeaksInTheRegionThatDrivesTheClass) {
    const cv::Rect left(2, 10, 6, 6), right(20, 4, 8, 8);
    RegionNetImpl network({left, right}, 32);
    torch::manual_seed(1);
    const auto input = torch::rand({1, 3, 32, 32}) + 0.1; // positive everywhere
    for (int target : {0, 1}) {
        const CamResult cam = classActivationMap(network, input, target, GetParam());
        EXPECT_EQ(cam.targetClass, target);
        ASSERT_EQ(cam.map.size(), cv::Size(32, 32));
        double lo = 0, hi = 0;
        cv::minMaxLoc(cam.map, &lo, &hi);
        EXPECT_GE(lo, 0.0);
        EXPECT_FLOAT_EQ(hi, 1.0f);
        EXPECT_TRUE((target == 0 ? left : right).contains(peakOf(cam.map))) << "class " << target;
        // Nothing outside the region carries weight.
        cv::Mat outside = cam.map.clone();
        outside(target == 0 ? left : right).setTo(0);
        EXPECT_EQ(cv::countNonZero(outside), 0);
        EXPECT_TRUE(cv::checkRange(cam.map));
    }
    // Default target: the top-1 class. Brighten the right region to make it win.
    auto brighter = input.clone();
    brighter.slice(2, right.y, right.y + right.height).slice(3, right.x, right.x + right.width) +=
        5;
    EXPECT_EQ(classActivationMap(network, brighter, std::nullopt, GetParam()).targetClass, 1);
}

INSTANTIATE_TEST_SUITE_P(Methods,
                         GradCamKnownAnswer,
                         ::testing::Values(CamMethod::GradCam, CamMethod::GradCamPlusPlus));

TEST(GradCam, RealNetworkMapsAreFiniteAndLeaveParameterGradientsAlone) {
    torch::manual_seed(2);
    Network network = makeNetwork(Architecture::DenseNet121, 4);
    const auto input = torch::randn({1, 3, 64, 64});
    for (CamMethod method : {CamMethod::GradCam, CamMethod::GradCamPlusPlus}) {
        const CamResult cam = classActivationMap(*network, input, 2, method);
        EXPECT_EQ(cam.map.size(), cv::Size(2, 2)); // 64 / 32
        EXPECT_TRUE(cv::checkRange(cam.map, true, nullptr, 0.0, 1.0 + 1e-6));
        EXPECT_EQ(cam.logits.size(1), 4);
    }
    for (const auto &p : network->parameters())
        EXPECT_FALSE(p.grad().defined());
    EXPECT_THROW(classActivationMap(*network, input, 7, CamMethod::GradCam), std::invalid_argument);
    EXPECT_THROW(classActivationMap(*network, torch::randn({2, 3, 64, 64}), 0, CamMethod::GradCam),
                 std::invalid_argument);
}

} // namespace
} // namespace cxr
