// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core/mat.hpp>

namespace cxr::test {

// A fresh folder under the system temp dir, removed with everything in it
// when the object goes out of scope.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    const std::filesystem::path &path() const { return m_path; }
    std::filesystem::path operator/(const std::string &name) const { return m_path / name; }

  private:
    std::filesystem::path m_path;
};

// Writes bytes to a file, creating parent folders.
void writeFile(const std::filesystem::path &file, const std::string &bytes);
std::string readFile(const std::filesystem::path &file);
// How many times `what` occurs in `text` (overlapping occurrences too).
std::size_t countOf(const std::string &text, const std::string &what);

// Writes an image with OpenCV (format from the extension), creating parents.
void writeImage(const std::filesystem::path &file, const cv::Mat &image);

// Burns white text into an 8-bit film, as a hospital's marker is: `x`, `y`
// place the text's origin (bottom left) as shares of the width and height;
// its capitals are `height` of the image's height high, strokes about a
// tenth of that.
void burnInText(cv::Mat &film, const std::string &text, double x, double y, double height);

// A small gray test image with a gradient, so it is not constant.
cv::Mat gradientImage(int width, int height, int type = CV_8UC1);

// A PNG file built byte by byte (zlib + CRC), for headers OpenCV would never
// write: palette images, absurd sizes. `raw` holds the filtered scanlines.
std::string pngBytes(std::uint32_t width,
                     std::uint32_t height,
                     int bitDepth,
                     int colourType,
                     const std::string &raw,
                     const std::string &extraChunks = {});
std::string pngChunk(const std::string &type, const std::string &data);

// ../shared/data next to the source tree, or empty when absent.
std::filesystem::path sharedData();

// Runs tests/support/torch_reference.py with Debian's /usr/bin/python3 (the
// PyTorch reference). Returns its exit code; stdout goes to `output`.
int runTorchReference(const std::vector<std::string> &args, std::string *output = nullptr);

// Empty when the reference can run, else why not (for GTEST_SKIP).
std::string torchReferenceUnavailable();

// A raw little-endian float32 file as a vector.
std::vector<float> readFloats(const std::filesystem::path &file);

} // namespace cxr::test

// Skips the current test, printing why, when the shared sample data is absent.
#define CXR_REQUIRE_SHARED_DATA(sub)                                                               \
    do {                                                                                           \
        if (!std::filesystem::exists(::cxr::test::sharedData() / (sub)))                           \
            GTEST_SKIP() << "shared sample data not found at "                                     \
                         << ::cxr::test::sharedData() / (sub)                                      \
                         << " (tests expect ../shared/data beside the source tree)";               \
    } while (0)

// Skips the current test, printing why, when the PyTorch reference is absent.
#define CXR_REQUIRE_TORCH_REFERENCE()                                                              \
    do {                                                                                           \
        if (const std::string why = ::cxr::test::torchReferenceUnavailable(); !why.empty())        \
            GTEST_SKIP() << why;                                                                   \
    } while (0)
