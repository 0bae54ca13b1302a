// SPDX-License-Identifier: MIT
#include "train/optimiser.h"

#include <sstream>

#include <torch/optim/adam.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include "errors.h"

namespace cxr {

std::unique_ptr<torch::optim::Optimizer> makeOptimiser(const TrainConfig &config,
                                                       std::vector<at::Tensor> parameters) {
    return std::make_unique<torch::optim::Adam>(std::move(parameters),
                                                torch::optim::AdamOptions(config.learningRate));
}

void setLearningRate(torch::optim::Optimizer &optimiser, double lr) {
    for (auto &group : optimiser.param_groups())
        group.options().set_lr(lr);
}

at::Tensor optimiserState(torch::optim::Optimizer &optimiser) {
    torch::serialize::OutputArchive archive;
    optimiser.save(archive);
    std::ostringstream out;
    archive.save_to(out);
    const std::string bytes = out.str();
    return torch::from_blob(const_cast<char *>(bytes.data()),
                            {static_cast<int64_t>(bytes.size())},
                            torch::kUInt8)
        .clone();
}

void restoreOptimiserState(torch::optim::Optimizer &optimiser, const at::Tensor &bytes) {
    const at::Tensor data = bytes.contiguous();
    std::istringstream in(std::string(static_cast<const char *>(data.data_ptr()),
                                      static_cast<std::size_t>(data.numel())));
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(in);
        optimiser.load(archive);
    } catch (const c10::Error &e) {
        throw Error(std::string("the saved optimiser state does not fit this run: ") +
                    e.what_without_backtrace());
    }
}

} // namespace cxr
