// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <string>

#include "weights/pickle_value.h"

namespace cxr {

// The on-disk formats torch.save has used over the years.
enum class TorchFileFormat {
    Zip,    // PyTorch >= 1.6: a zip of data.pkl + data/<key> records
    Legacy, // magic number, protocol, sys info, pickle, storage keys, raw storages
    Tar,    // before 2017: a tar of sys_info, pickle, storages, tensors
};

const char *torchFileFormatName(TorchFileFormat format);

struct TorchFile {
    TorchFileFormat format = TorchFileFormat::Zip;
    PickleValue root; // what torch.load would return, tensors on the CPU
};

// Reads a file written by torch.save, in any of the formats above, without
// Python and without running code (see readPickle). CUDA tensors are read
// onto the CPU. Throws ModelError naming the file and the problem: not a
// PyTorch file, truncated, a storage shorter than its tensors, a pickle
// with disallowed contents.
TorchFile readTorchFile(const std::filesystem::path &file);
TorchFile readTorchBytes(const std::string &bytes, const std::string &source);

} // namespace cxr
