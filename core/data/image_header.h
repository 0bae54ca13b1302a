// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace cxr {

enum class ImageFormat { Png, Jpeg, Bmp, Tiff, Dicom };

const char *imageFormatName(ImageFormat format); // "PNG", "JPEG", ...

// What a file's header says, read without decoding any pixels.
struct ImageHeader {
    ImageFormat format = ImageFormat::Png;
    int width = 0;
    int height = 0;
    int bitDepth = 0; // bits per sample as stored (8, 16, 10 in DICOM ...)
    int channels = 0; // samples per pixel as stored (palette PNG: 3)
};

// Images above this many pixels are refused before decoding: a crafted
// header can ask for gigabytes (a "decompression bomb"), and no chest X-ray
// detector exceeds ~4300 x 4300 = 18.5 MP.
constexpr std::int64_t kMaxImagePixels = 100'000'000;

// True when the extension names a format we decode (.png .jpg .jpeg .bmp
// .tif .tiff .dcm .dicom), compared case-insensitively.
bool hasImageExtension(const std::filesystem::path &file);

// Reads the header of a PNG, JPEG, BMP, TIFF or DICOM file (format decided by
// content, not by extension; DICOM also by a .dcm extension) and checks it:
// non-zero size at most kMaxImagePixels, and for PNG/JPEG/BMP that the file
// is complete (PNG IEND chunk, JPEG end-of-image marker, BMP pixel array).
// Throws ImageLoadError naming the file and the problem otherwise.
ImageHeader readImageHeader(const std::filesystem::path &file);

// True when the bytes carry the DICOM magic ("DICM" at 128) or the file
// name has a DICOM extension (files without the preamble exist).
bool looksLikeDicom(const std::string &bytes, const std::filesystem::path &file);

// The same checks on a file already held in memory.
ImageHeader parseImageHeader(const std::string &bytes, const std::filesystem::path &file);

} // namespace cxr
