// SPDX-License-Identifier: MIT
// Any bytes as a PNG/JPEG/BMP/TIFF file: decode or a clean ImageLoadError.
#include <cstddef>
#include <cstdint>
#include <string>

#include "data/image_decode.h"
#include "errors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char *>(data), size);
    try {
        const cxr::DecodedImage image = cxr::decodeImageBytes(bytes, "fuzz.png");
        if (image.pixels.empty())
            __builtin_trap(); // the contract: never an empty image
    } catch (const cxr::ImageLoadError &) {
    }
    return 0;
}
