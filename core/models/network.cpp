// SPDX-License-Identifier: MIT
#include "models/network.h"

#include <stdexcept>

#include "models/densenet.h"
#include "models/resnet.h"

namespace cxr {

const char *architectureName(Architecture arch) {
    return arch == Architecture::ResNet50 ? "resnet50" : "densenet121";
}

std::optional<Architecture> parseArchitecture(const std::string &name) {
    if (name == "resnet50")
        return Architecture::ResNet50;
    if (name == "densenet121")
        return Architecture::DenseNet121;
    return std::nullopt;
}

int NetworkImpl::numClasses() const { return static_cast<int>(head()->options.out_features()); }

Network makeNetwork(Architecture arch, int numClasses) {
    if (numClasses < 1)
        throw std::invalid_argument("a network needs at least one output class");
    if (arch == Architecture::ResNet50)
        return std::make_shared<ResNet50Impl>(numClasses);
    return std::make_shared<DenseNet121Impl>(numClasses);
}

} // namespace cxr
