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

// Where the cells of the last feature map (features()) sit on the network's
// input: cell (row i, column j) is centred on input pixel
// (offset + stride * j, offset + stride * i), pixel centres at integers.
// This follows from the layers' strides and paddings:
//  - ResNet50: every stride-2 layer (conv1, the max pool, the first 3x3 and
//    downsample of layers 2-4) keeps cell k centred on input 2k, so 32 * k.
//  - DenseNet121: conv0 and pool0 give 4k; each 2x2 average pool of a
//    transition centres its output between two inputs, adding a half step:
//    32 * k + 14.
// A plain bilinear resize assumes 32 * k + 15.5, half a cell off for
// ResNet50. A test checks both against measured receptive fields.
struct FeatureGrid {
    double stride = 32;
    double offset = 0;
};
FeatureGrid featureGrid(Architecture arch);

} // namespace cxr
