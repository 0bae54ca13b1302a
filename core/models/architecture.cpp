// SPDX-License-Identifier: MIT
#include "models/architecture.h"

#include <stdexcept>

#include "models/densenet.h"
#include "models/resnet.h"

namespace cxr {
namespace {

template <typename Impl> std::shared_ptr<NetworkImpl> make(int numClasses) {
    return std::make_shared<Impl>(numClasses);
}

} // namespace

const std::vector<ArchitectureInfo> &architectures() {
    // Feature grids: see FeatureGrid (measured by heatmap_geometry_test).
    static const std::vector<ArchitectureInfo> table = {
        {Architecture::ResNet50, "resnet50", "ResNet50", "fc", {32, 0}, &make<ResNet50Impl>},
        {Architecture::DenseNet121,
         "densenet121",
         "DenseNet121",
         "classifier",
         {32, 14},
         &make<DenseNet121Impl>},
    };
    return table;
}

const ArchitectureInfo &architectureInfo(Architecture arch) {
    for (const ArchitectureInfo &info : architectures())
        if (info.arch == arch)
            return info;
    throw std::logic_error("an architecture has no row in the architecture table");
}

const char *architectureName(Architecture arch) { return architectureInfo(arch).name; }

std::optional<Architecture> parseArchitecture(const std::string &name) {
    for (const ArchitectureInfo &info : architectures())
        if (name == info.name)
            return info.arch;
    return std::nullopt;
}

FeatureGrid featureGrid(Architecture arch) { return architectureInfo(arch).grid; }

} // namespace cxr
