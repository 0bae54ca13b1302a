// SPDX-License-Identifier: MIT
// Only the head trains. The backbone stays in eval mode (its BatchNorm
// statistics fixed, as for a feature extractor) and runs without gradients;
// the images are still loaded and augmented every epoch.
#include <torch/nn/functional/pooling.h>
#include <torch/types.h>
#include <torch/utils.h>

#include "train/step_strategy.h"

namespace cxr {
namespace {
namespace F = torch::nn::functional;

class FrozenBackboneStep final : public ImageStepStrategy {
  public:
    using ImageStepStrategy::ImageStepStrategy;

    std::string description() const override { return "frozen backbone, head only"; }

    std::vector<at::Tensor> trainableParameters() override { return headParameters(*m.network); }

    at::Tensor forward(const at::Tensor &images) override {
        torch::Tensor pooled;
        {
            torch::NoGradGuard noGrad;
            pooled = F::adaptive_avg_pool2d(m.network->features(images),
                                            F::AdaptiveAvgPool2dFuncOptions(1))
                         .flatten(1);
        }
        return m.network->head()->forward(pooled);
    }

  protected:
    bool trainsBatchNorm() const override { return false; }
};

} // namespace

std::unique_ptr<StepStrategy> makeFrozenBackboneStep(const StepContext &context) {
    return std::make_unique<FrozenBackboneStep>(context);
}

} // namespace cxr
