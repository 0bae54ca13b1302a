// SPDX-License-Identifier: MIT
#include "weights/state_dict.h"

#include <map>
#include <regex>
#include <sstream>

#include <torch/nn/modules/linear.h>
#include <torch/utils.h>

#include "errors.h"

namespace cxr {
namespace {

bool isTensorDict(const PickleValue &v) {
    if (!v.isDict() || v.entries->empty())
        return false;
    for (const auto &[key, value] : *v.entries)
        if (!key.isString() || !value.isTensor())
            return false;
    return true;
}

bool startsWith(const std::string &s, const std::string &prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

std::string shapeText(const at::Tensor &t) {
    std::ostringstream out;
    out << t.sizes();
    return out.str();
}

} // namespace

StateDict findStateDict(const PickleValue &root, const std::string &source) {
    const PickleValue *dict = nullptr;
    if (isTensorDict(root))
        dict = &root;
    for (const char *key : {"state_dict", "model", "model_state_dict", "net"}) {
        if (dict)
            break;
        if (const PickleValue *inner = root.find(key); inner && isTensorDict(*inner))
            dict = inner;
    }
    if (!dict)
        throw ModelError("could not read \"" + source + "\": it holds " + root.describe() +
                         ", not a state dict (a mapping from parameter names to tensors)");
    StateDict out;
    for (const auto &[key, value] : *dict->entries)
        out.emplace_back(key.text, value.tensor);
    return out;
}

StateDict normaliseKeys(StateDict dict) {
    static const std::regex kOldDenseName(
        R"(^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$)");
    for (auto &[key, tensor] : dict) {
        for (const char *prefix : {"module.", "densenet121."})
            if (startsWith(key, prefix))
                key = key.substr(std::string(prefix).size());
        if (startsWith(key, "classifier.0."))
            key = "classifier." + key.substr(std::string("classifier.0.").size());
        std::smatch match;
        if (std::regex_match(key, match, kOldDenseName)) {
            // "norm.1.weight" -> "norm1.weight": drop the dot between name and index.
            key = match[1].str() + match[2].str();
        }
    }
    return dict;
}

StateDict networkStateDict(NetworkImpl &network) {
    StateDict out;
    for (const auto &p : network.named_parameters())
        out.emplace_back(p.key(), p.value());
    for (const auto &b : network.named_buffers())
        out.emplace_back(b.key(), b.value());
    return out;
}

LoadReport loadStateDict(NetworkImpl &network, const StateDict &dict, const std::string &source) {
    std::map<std::string, at::Tensor> available(dict.begin(), dict.end());
    const std::string head = network.headPrefix() + ".";
    LoadReport report;

    // The head: load it only when its shape fits the task.
    const auto headWeight = available.find(head + "weight");
    if (headWeight != available.end()) {
        report.sourceHeadOutputs = static_cast<int>(headWeight->second.size(0));
        report.headReinitialised = report.sourceHeadOutputs != network.numClasses();
    }

    torch::NoGradGuard noGrad;
    std::size_t backbone = 0, backboneLoaded = 0;
    for (auto &[name, target] : networkStateDict(network)) {
        const bool isHead = startsWith(name, head);
        if (!isHead)
            ++backbone;
        const auto it = available.find(name);
        if (it == available.end()) {
            if (name.size() >= 19 && name.compare(name.size() - 19, 19, "num_batches_tracked") == 0)
                target.zero_();
            else if (!(isHead && report.headReinitialised))
                report.missing.push_back(name);
            continue;
        }
        const at::Tensor fromFile = it->second;
        available.erase(it);
        if (isHead && report.headReinitialised)
            continue;
        if (fromFile.sizes() != target.sizes())
            throw ModelError("could not load \"" + source + "\": \"" + name + "\" has shape " +
                             shapeText(fromFile) + " in the file but " + shapeText(target) +
                             " in " + architectureName(network.architecture()) +
                             " (weights for another architecture?)");
        // Half and double weights convert without surprise; integers or
        // booleans in place of floating-point parameters mean the file holds
        // something else under these names.
        if (target.is_floating_point() && !fromFile.is_floating_point())
            throw ModelError("could not load \"" + source + "\": \"" + name + "\" holds " +
                             std::string(c10::toString(fromFile.scalar_type())) +
                             " values in the file; a floating-point tensor is expected");
        target.copy_(fromFile.to(target.dtype()));
        ++report.loaded;
        if (!isHead)
            ++backboneLoaded;
    }
    for (const auto &[name, tensor] : available)
        if (!(report.headReinitialised && startsWith(name, head)))
            report.unexpected.push_back(name);
    if (backboneLoaded * 2 < backbone)
        throw ModelError("could not load \"" + source + "\": only " +
                         std::to_string(backboneLoaded) + " of the " + std::to_string(backbone) +
                         " " + architectureName(network.architecture()) +
                         " backbone tensors are in the file (weights for another architecture?)");
    return report;
}

std::string LoadReport::summary() const {
    std::ostringstream out;
    out << "loaded " << loaded << " tensors";
    if (headReinitialised)
        out << "\nhead re-initialised: the file's head has " << sourceHeadOutputs
            << " outputs, the task needs another number";
    auto list = [&out](const char *what, const std::vector<std::string> &names) {
        if (names.empty())
            return;
        out << "\n" << what << " (" << names.size() << "):";
        for (const auto &n : names)
            out << " " << n;
    };
    list("missing, left at their initial values", missing);
    list("unexpected, ignored", unexpected);
    return out.str();
}

} // namespace cxr
