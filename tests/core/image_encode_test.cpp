// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "data/image_decode.h"
#include "data/image_encode.h"
#include "errors.h"
#include "support/test_support.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;

// Expects writeImageFile to fail with an Error naming the file and `words`.
void expectWriteError(const fs::path &file, const cv::Mat &image, const std::string &words) {
    try {
        writeImageFile(file, image);
        ADD_FAILURE() << "expected Error for " << file;
    } catch (const Error &e) {
        const std::string message = e.what();
        EXPECT_NE(message.find(file.filename().string()), std::string::npos) << message;
        EXPECT_NE(message.find(words), std::string::npos) << message;
    }
}

TEST(ImageEncode, WritesWhatDecodesBack) {
    test::TempDir dir;
    const cv::Mat image = test::gradientImage(40, 30);
    writeImageFile(dir / "a.png", image);
    const DecodedImage decoded = decodeImage(dir / "a.png");
    cv::Mat back;
    decoded.pixels.convertTo(back, CV_8U, 255.0);
    EXPECT_EQ(cv::norm(back, image, cv::NORM_INF), 0.0);
    writeImageFile(dir / "a.jpg", image);
    EXPECT_EQ(decodeImage(dir / "a.jpg").pixels.size(), image.size());
}

// An unknown extension, a folder that is a file, and an image OpenCV cannot
// encode: clear errors, and the file that was there before is untouched.
TEST(ImageEncode, FailuresAreClearAndKeepThePreviousFile) {
    test::TempDir dir;
    const cv::Mat image = test::gradientImage(40, 30);
    expectWriteError(dir / "overlay.xyz", image, "not an image format");
    expectWriteError(dir / "overlay", image, "not an image format");
    test::writeFile(dir / "plain.txt", "a file, not a folder");
    expectWriteError(dir / "plain.txt" / "overlay.png", image, "could not write");

    writeImageFile(dir / "kept.jpg", image);
    const std::string before = test::readFile(dir / "kept.jpg");
    expectWriteError(dir / "kept.jpg", cv::Mat(4, 4, CV_64FC(7)), "could not write");
    EXPECT_EQ(test::readFile(dir / "kept.jpg"), before);
    std::size_t files = 0;
    for ([[maybe_unused]] const auto &entry : fs::directory_iterator(dir.path()))
        ++files;
    EXPECT_EQ(files, 2u); // plain.txt and kept.jpg: no temporary file left
}

} // namespace
} // namespace cxr
