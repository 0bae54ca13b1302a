// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>

#include <opencv2/core/mat.hpp>

namespace cxr {

// Encodes `image` in the format the file's extension names (.png, .jpg,
// .bmp, .tif) and writes it with writeFileAtomically: a full disk or an
// unwritable folder leaves any earlier file of that name whole, and no
// partial image behind. Throws Error naming the file and the reason (an
// extension OpenCV cannot encode, an image it cannot encode, a failed
// write).
void writeImageFile(const std::filesystem::path &file, const cv::Mat &image);

} // namespace cxr
