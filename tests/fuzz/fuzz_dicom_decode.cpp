// SPDX-License-Identifier: MIT
// Any bytes as a DICOM file (the .dcm name forces the DICOM path).
#include <cstddef>
#include <cstdint>
#include <string>

#include "data/image_decode.h"
#include "errors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char *>(data), size);
    try {
        const cxr::DecodedImage image = cxr::decodeImageBytes(bytes, "fuzz.dcm");
        if (image.pixels.empty())
            __builtin_trap();
    } catch (const cxr::ImageLoadError &) {
    }
    return 0;
}
