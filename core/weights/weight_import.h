// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <string>

#include "models/network.h"
#include "weights/state_dict.h"
#include "weights/torch_file.h"
#include "weights/weights_download.h"

namespace cxr {

// A network built for a task and initialised from a published weights file.
struct ImportedWeights {
    Network network;
    LoadReport report;
    std::filesystem::path file;
    TorchFileFormat format = TorchFileFormat::Zip;
    std::string sha256;
};

// Builds `arch` with `numClasses` outputs and loads the weights in `file`
// (any torch.save format; DataParallel, CheXNet and old DenseNet names
// accepted). A head of another size is re-initialised and reported. Throws
// ModelError naming the file (unreadable, another architecture, wrong shapes).
ImportedWeights importWeights(Architecture arch, int numClasses, const std::filesystem::path &file);

// Where the weights named by `from` are: a local file as it is; an http(s)
// URL downloaded into the cache; a known name ("imagenet", "imagenet-v2")
// downloaded from its official URL. "chexnet" is explained, not guessed:
// there is no official download, the user supplies model.pth.tar. Throws
// Error with what to do.
std::filesystem::path resolveWeightsSource(const std::string &from,
                                           Architecture arch,
                                           const DownloadOptions &options = {});

} // namespace cxr
