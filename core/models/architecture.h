// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>

namespace cxr {

// The backbones CXR Studio builds. Kept apart from network.h so that code
// without LibTorch (configs, the UI) can name them.
enum class Architecture { ResNet50, DenseNet121 };

const char *architectureName(Architecture arch); // "resnet50", "densenet121"
std::optional<Architecture> parseArchitecture(const std::string &name);

} // namespace cxr
