// SPDX-License-Identifier: MIT
#include "models/architecture.h"

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

FeatureGrid featureGrid(Architecture arch) {
    return arch == Architecture::ResNet50 ? FeatureGrid{32, 0} : FeatureGrid{32, 14};
}

} // namespace cxr
