// SPDX-License-Identifier: MIT
#include "data/image_encode.h"

#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "atomic_file.h"
#include "errors.h"

namespace cxr {

void writeImageFile(const std::filesystem::path &file, const cv::Mat &image) {
    const std::string extension = file.extension().string();
    std::vector<uchar> bytes;
    try {
        if (extension.empty() || !cv::haveImageWriter(file.string()))
            throw Error("could not write \"" + file.string() + "\": \"" + extension +
                        "\" is not an image format CXR Studio can write (use .png or .jpg)");
        if (!cv::imencode(extension, image, bytes))
            throw Error("could not write \"" + file.string() +
                        "\": the image could not be encoded");
    } catch (const cv::Exception &e) {
        throw Error("could not write \"" + file.string() + "\": " + e.err);
    }
    writeFileAtomically(
        file, std::string_view(reinterpret_cast<const char *>(bytes.data()), bytes.size()));
}

} // namespace cxr
