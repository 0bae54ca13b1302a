// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <opencv2/core/mat.hpp>

#include "data/image_header.h"

namespace cxr {

// A decoded X-ray: one grayscale plane of 32-bit floats in [0, 1] where 1 is
// the brightest (densest) value as a radiologist would see it, at the file's
// own resolution. header keeps what the file stored (format, bits, channels).
struct DecodedImage {
    cv::Mat pixels; // CV_32FC1, never empty
    ImageHeader header;
    // What the pixel values stand for, so a viewer can speak the file's
    // units: value v in [0, 1] shows stored value lower + v * (upper - lower).
    // PNG, JPEG ...: the sample values (0 to 255 for 8 bits). DICOM: modality
    // values (after the rescale slope and intercept), through the window the
    // image was rendered with.
    double valueLower = 0, valueUpper = 1;
    // How coloured the file's pixels are, before they became grey: the mean
    // over pixels of (largest - smallest channel) on a 0-1 scale. 0 for grey
    // files; a few thousandths for a grey film saved as a colour JPEG; a
    // tenth and more for a photograph. A radiograph is grey.
    double colourfulness = 0;
    // DICOM only: what the header says of the acquisition.
    struct Dicom {
        std::string modality;     // (0008,0060): CR, DX, ...
        std::string viewPosition; // (0018,5101): PA, AP, LL ...
        std::string photometric;  // (0028,0004): MONOCHROME1, MONOCHROME2, ...
        double rowSpacingMm = 0;  // (0028,0030) or, failing that, (0018,1164); 0 unknown
        double columnSpacingMm = 0;
        bool spacingAtDetector = false;           // the spacing is the imager's (0018,1164)
        double windowCentre = 0, windowWidth = 0; // the window the pixels were rendered with
    };
    std::optional<Dicom> dicom;
};

// Files larger than this are refused before being read into memory.
constexpr std::uint64_t kMaxImageFileBytes = std::uint64_t{1} << 30;

// Decodes PNG, JPEG, BMP, TIFF (8 or 16 bits; gray, RGB, RGBA or palette) and
// DICOM into one grayscale float image. Colour is reduced with the ITU-R
// BT.601 luma weights, alpha is ignored, integer samples are divided by the
// largest value their type holds. DICOM goes through decodeDicom().
//
// Throws ImageLoadError naming the file and the problem (missing, unreadable,
// empty, not an image, truncated, corrupt, above kMaxImagePixels). Never
// returns an empty image. Safe to call from several threads at once.
DecodedImage decodeImage(const std::filesystem::path &file);

// The same for a file already in memory; `file` names it in errors.
DecodedImage decodeImageBytes(const std::string &bytes, const std::filesystem::path &file);

// Reads a whole file into memory with the checks above (exists, readable,
// not a folder, at most maxBytes). Throws ImageLoadError.
std::string readFileBytes(const std::filesystem::path &file,
                          std::uint64_t maxBytes = kMaxImageFileBytes);

} // namespace cxr
