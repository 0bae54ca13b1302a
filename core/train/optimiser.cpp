// SPDX-License-Identifier: MIT
#include "train/optimiser.h"

#include <map>
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

namespace {

// The key under which LibTorch's optimisers keep a parameter's state.
std::string stateKey(const at::Tensor &parameter) {
    return c10::guts::to_string(parameter.unsafeGetTensorImpl());
}

std::vector<at::Tensor> allParameters(torch::optim::Optimizer &optimiser) {
    std::vector<at::Tensor> parameters;
    for (auto &group : optimiser.param_groups())
        for (const auto &p : group.params())
            parameters.push_back(p);
    return parameters;
}

} // namespace

StateDict optimiserTensors(torch::optim::Optimizer &optimiser) {
    StateDict tensors;
    const std::vector<at::Tensor> parameters = allParameters(optimiser);
    for (std::size_t i = 0; i < parameters.size(); ++i) {
        const auto found = optimiser.state().find(stateKey(parameters[i]));
        if (found == optimiser.state().end())
            continue;
        const auto &state = static_cast<const torch::optim::AdamParamState &>(*found->second);
        const std::string prefix = "optimizer." + std::to_string(i) + ".";
        tensors.emplace_back(prefix + "step", torch::tensor(state.step(), torch::kLong));
        tensors.emplace_back(prefix + "exp_avg", state.exp_avg());
        tensors.emplace_back(prefix + "exp_avg_sq", state.exp_avg_sq());
        if (state.max_exp_avg_sq().defined())
            tensors.emplace_back(prefix + "max_exp_avg_sq", state.max_exp_avg_sq());
    }
    return tensors;
}

bool restoreOptimiser(torch::optim::Optimizer &optimiser, const StateDict &trainingState) {
    const std::vector<at::Tensor> parameters = allParameters(optimiser);
    std::map<std::size_t, std::unique_ptr<torch::optim::AdamParamState>> states;
    for (const auto &[name, tensor] : trainingState) {
        if (name == "optimizer") { // written before the state was stored as tensors
            restoreOptimiserState(optimiser, tensor);
            return true;
        }
        if (name.rfind("optimizer.", 0) != 0)
            continue;
        const std::size_t dot = name.find('.', 10);
        std::size_t index = 0;
        try {
            index = std::stoul(name.substr(10, dot - 10));
        } catch (const std::exception &) {
            throw Error("the saved optimiser state has an entry \"" + name + "\" it cannot place");
        }
        if (dot == std::string::npos || index >= parameters.size())
            throw Error("the saved optimiser state has an entry \"" + name +
                        "\" for a parameter this run does not have");
        auto &state = states[index];
        if (!state)
            state = std::make_unique<torch::optim::AdamParamState>();
        const std::string field = name.substr(dot + 1);
        if (field == "step") {
            state->step(tensor.item<std::int64_t>());
            continue;
        }
        if (tensor.sizes() != parameters[index].sizes())
            throw Error("the saved optimiser state does not fit this run: \"" + name +
                        "\" has another shape than its parameter");
        // In the parameter's own layout (channels-last for convolutions), as
        // the optimiser made it.
        const at::Tensor moment = at::empty_like(parameters[index]).copy_(tensor);
        if (field == "exp_avg")
            state->exp_avg(moment);
        else if (field == "exp_avg_sq")
            state->exp_avg_sq(moment);
        else if (field == "max_exp_avg_sq")
            state->max_exp_avg_sq(moment);
        else
            throw Error("the saved optimiser state has an unknown entry \"" + name + "\"");
    }
    for (auto &[index, state] : states) {
        if (!state->exp_avg().defined() || !state->exp_avg_sq().defined())
            throw Error("the saved optimiser state lacks the moments of parameter " +
                        std::to_string(index));
        optimiser.state()[stateKey(parameters[index])] = std::move(state);
    }
    return !states.empty();
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
