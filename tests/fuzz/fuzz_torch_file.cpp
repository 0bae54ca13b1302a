// SPDX-License-Identifier: MIT
// Any bytes as a PyTorch weights file (zip, legacy pickle, tar): a value or
// a clean ModelError; never code execution, a crash or unbounded memory.
#include <cstddef>
#include <cstdint>
#include <string>

#include "errors.h"
#include "weights/state_dict.h"
#include "weights/torch_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char *>(data), size);
    try {
        const cxr::TorchFile file = cxr::readTorchBytes(bytes, "fuzz.pt");
        cxr::normaliseKeys(cxr::findStateDict(file.root, "fuzz.pt"));
    } catch (const cxr::ModelError &) {
    }
    return 0;
}
