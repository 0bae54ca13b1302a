// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cxr {

class NetworkImpl;

// The backbones CXR Studio builds. Kept apart from network.h so that code
// without LibTorch (configs, the UI) can name them.
//
// Adding an architecture: its network code (an XImpl : NetworkImpl with
// torchvision's parameter names and a parity test against torchvision), a
// row in the table in architecture.cpp, and a case in
// InferenceNetwork::build (infer/inference_network.cpp; the compiler points
// at every switch that lacks it).
enum class Architecture { ResNet50, DenseNet121 };

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

// One row of the architecture table: everything the rest of the code asks
// of an architecture.
struct ArchitectureInfo {
    Architecture arch;
    const char *name;       // "resnet50": configs, files, the CLI
    const char *title;      // "ResNet50": the UI and reports
    const char *headPrefix; // the state-dict prefix of the final linear layer
    FeatureGrid grid;       // where features() cells sit on the input
    // A new network with `numClasses` outputs (models/network.h: makeNetwork).
    std::shared_ptr<NetworkImpl> (*make)(int numClasses);
};

const std::vector<ArchitectureInfo> &architectures(); // in display order
const ArchitectureInfo &architectureInfo(Architecture arch);
const char *architectureName(Architecture arch); // "resnet50", "densenet121"
std::optional<Architecture> parseArchitecture(const std::string &name);
FeatureGrid featureGrid(Architecture arch);

} // namespace cxr
