// SPDX-License-Identifier: MIT
// Every parameter trains; BatchNorm layers use batch statistics and update
// their running averages, as in PyTorch's model.train().
#include "train/step_strategy.h"

namespace cxr {
namespace {

class FullNetworkStep final : public ImageStepStrategy {
  public:
    using ImageStepStrategy::ImageStepStrategy;

    std::string description() const override { return "full network"; }

    std::vector<at::Tensor> trainableParameters() override {
        for (auto &p : m.network->parameters())
            p.set_requires_grad(true);
        return m.network->parameters();
    }

    at::Tensor forward(const at::Tensor &images) override { return m.network->forward(images); }

  protected:
    bool trainsBatchNorm() const override { return true; }
};

} // namespace

std::unique_ptr<StepStrategy> makeFullNetworkStep(const StepContext &context) {
    return std::make_unique<FullNetworkStep>(context);
}

} // namespace cxr
