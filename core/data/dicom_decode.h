// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <string>

#include "data/image_decode.h"
#include "data/image_header.h"

namespace cxr {

// DICOM through DCMTK. JPEG (baseline, extended, lossless), JPEG-LS and RLE
// transfer syntaxes are decoded; others give a clear error.

// Rows, columns, bits stored and samples per pixel, read without loading the
// pixel data. Throws ImageLoadError.
ImageHeader readDicomHeader(const std::filesystem::path &file);
// The same for a DICOM file held in memory; `file` names it in errors.
ImageHeader parseDicomHeader(const std::string &bytes, const std::filesystem::path &file);

// Decodes the first frame to DecodedImage's convention (1 = bright):
// the modality rescale (slope/intercept) is applied, then the first window
// stored in the file (centre/width), or the full range of the pixel values
// when the file stores none; MONOCHROME1 images are inverted so that dense
// tissue is bright, as for MONOCHROME2; colour images are reduced to luma.
// Throws ImageLoadError naming the file and the problem.
DecodedImage decodeDicom(const std::string &bytes, const std::filesystem::path &file);

} // namespace cxr
