// SPDX-License-Identifier: MIT
// The local RunSync (a run on its own). The c10d one is in
// process_group_sync.cpp.
#include "train/run_sync.h"

namespace cxr {
namespace {

class LocalSync final : public RunSync {
  public:
    int rank() const override { return 0; }
    int worldSize() const override { return 1; }
    std::string shareText(const std::string &text) override { return text; }
    void shareTensors(const std::vector<at::Tensor> &) override {}
    std::vector<bool> anyOf(const std::vector<bool> &flags) override { return flags; }
    Predictions gather(const Predictions &mine) override { return mine; }
    std::unique_ptr<GradientSync> gradientSync(const std::vector<at::Tensor> &) override {
        return nullptr;
    }
};

} // namespace

std::unique_ptr<RunSync> makeLocalSync() { return std::make_unique<LocalSync>(); }

} // namespace cxr
