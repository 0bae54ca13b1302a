// SPDX-License-Identifier: MIT
#include <grp.h>
#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "data/folder_walk.h"
#include "data/image_decode.h"
#include "errors.h"
#include "support/test_support.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;

// Expects decodeImage(file) to fail with a reason containing `words`, and
// the message to name the file.
void expectLoadError(const fs::path &file, const std::string &words) {
    try {
        decodeImage(file);
        ADD_FAILURE() << "expected ImageLoadError for " << file;
    } catch (const ImageLoadError &e) {
        EXPECT_NE(e.reason().find(words), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(file.filename().string()), std::string::npos);
    }
}

TEST(ImageDecode, EightBitGrayKeepsValues) {
    test::TempDir dir;
    const cv::Mat image = test::gradientImage(40, 30);
    test::writeImage(dir / "g.png", image);
    const DecodedImage decoded = decodeImage(dir / "g.png");
    ASSERT_EQ(decoded.pixels.type(), CV_32FC1);
    EXPECT_EQ(decoded.pixels.size(), cv::Size(40, 30));
    EXPECT_EQ(decoded.header.bitDepth, 8);
    EXPECT_EQ(decoded.header.channels, 1);
    EXPECT_FLOAT_EQ(decoded.pixels.at<float>(29, 39), image.at<std::uint8_t>(29, 39) / 255.0f);
    EXPECT_FLOAT_EQ(decoded.pixels.at<float>(0, 0), 0.0f);
}

TEST(ImageDecode, SixteenBitUsesTheFullRange) {
    test::TempDir dir;
    const cv::Mat image = test::gradientImage(20, 20, CV_16UC1);
    test::writeImage(dir / "g16.png", image);
    const DecodedImage decoded = decodeImage(dir / "g16.png");
    EXPECT_EQ(decoded.header.bitDepth, 16);
    EXPECT_NEAR(decoded.pixels.at<float>(19, 19), 1.0f, 1e-6);
    EXPECT_NEAR(decoded.pixels.at<float>(10, 5), image.at<std::uint16_t>(10, 5) / 65535.0f, 1e-6);
}

TEST(ImageDecode, ColourAndAlphaBecomeLuma) {
    test::TempDir dir;
    cv::Mat rgb(10, 10, CV_8UC3, cv::Scalar(0, 0, 255)); // pure red in BGR order
    test::writeImage(dir / "red.png", rgb);
    test::writeImage(dir / "red.jpg", rgb);
    cv::Mat rgba(10, 10, CV_8UC4, cv::Scalar(0, 255, 0, 10)); // green, nearly transparent
    test::writeImage(dir / "green.png", rgba);
    test::writeImage(dir / "red.bmp", rgb);
    test::writeImage(dir / "red.tiff", rgb);
    // BT.601 luma: 0.299 R + 0.587 G + 0.114 B.
    EXPECT_NEAR(decodeImage(dir / "red.png").pixels.at<float>(5, 5), 0.299f, 0.005);
    EXPECT_NEAR(decodeImage(dir / "red.jpg").pixels.at<float>(5, 5), 0.299f, 0.03);
    EXPECT_NEAR(decodeImage(dir / "red.bmp").pixels.at<float>(5, 5), 0.299f, 0.005);
    EXPECT_NEAR(decodeImage(dir / "red.tiff").pixels.at<float>(5, 5), 0.299f, 0.005);
    const DecodedImage green = decodeImage(dir / "green.png");
    EXPECT_EQ(green.header.channels, 4);
    EXPECT_NEAR(green.pixels.at<float>(5, 5), 0.587f, 0.005);
    EXPECT_EQ(decodeImage(dir / "red.tiff").header.format, ImageFormat::Tiff);
}

TEST(ImageDecode, PalettePng) {
    test::TempDir dir;
    // 2x1 image, palette {black, white}, pixels [1, 0] at 8 bits per index.
    const std::string palette = std::string("\0\0\0", 3) + "\xFF\xFF\xFF";
    const std::string raw = std::string("\0\x01\x00", 3);
    test::writeFile(dir / "pal.png",
                    test::pngBytes(2, 1, 8, 3, raw, test::pngChunk("PLTE", palette)));
    const DecodedImage decoded = decodeImage(dir / "pal.png");
    EXPECT_EQ(decoded.pixels.size(), cv::Size(2, 1));
    EXPECT_FLOAT_EQ(decoded.pixels.at<float>(0, 0), 1.0f);
    EXPECT_FLOAT_EQ(decoded.pixels.at<float>(0, 1), 0.0f);
}

TEST(ImageDecode, OneByOneAndOneByN) {
    test::TempDir dir;
    test::writeImage(dir / "dot.png", cv::Mat(1, 1, CV_8UC1, cv::Scalar(200)));
    test::writeImage(dir / "line.png", test::gradientImage(1, 50));
    EXPECT_NEAR(decodeImage(dir / "dot.png").pixels.at<float>(0, 0), 200 / 255.0f, 1e-6);
    EXPECT_EQ(decodeImage(dir / "line.png").pixels.size(), cv::Size(1, 50));
}

// Every single-byte flip in the first 400 bytes (signature, IHDR/SOF and
// table headers, then compressed data) of a PNG and a JPEG: each copy either
// decodes to an image of a sane size or fails with ImageLoadError naming the
// file; nothing else escapes. PNG header flips always fail (CRC). Random
// bytes named .jpg fail too.
TEST(ImageDecode, EveryFlippedByteIsDecodedOrAClearError) {
    test::TempDir dir;
    test::writeImage(dir / "good.png", test::gradientImage(64, 48));
    test::writeImage(dir / "good.jpg", test::gradientImage(64, 48));
    for (const char *name : {"good.png", "good.jpg"}) {
        const std::string bytes = test::readFile(dir / name);
        const std::string ext = fs::path(name).extension().string();
        std::size_t errors = 0;
        for (std::size_t i = 0; i < std::min<std::size_t>(400, bytes.size()); ++i) {
            std::string copy = bytes;
            copy[i] = static_cast<char>(~copy[i]);
            const fs::path file = dir / ("flip" + std::to_string(i) + ext);
            test::writeFile(file, copy);
            try {
                const DecodedImage decoded = decodeImage(file);
                EXPECT_GT(decoded.pixels.total(), 0u) << file;
                EXPECT_LE(decoded.pixels.total(), std::size_t{1} << 26) << file;
                EXPECT_FALSE(ext == ".png" && i >= 8 && i < 33)
                    << "IHDR flip at " << i << " decoded without its CRC failing";
            } catch (const ImageLoadError &e) {
                ++errors;
                EXPECT_NE(std::string(e.what()).find(file.filename().string()), std::string::npos);
            }
            fs::remove(file);
        }
        EXPECT_GT(errors, 0u) << name;
    }
    std::string noise(5000, '\0');
    for (std::size_t i = 0; i < noise.size(); ++i)
        noise[i] = static_cast<char>((i * 2654435761u) >> 13);
    test::writeFile(dir / "noise.jpg", noise);
    expectLoadError(dir / "noise.jpg", "not a PNG, JPEG");
}

// Photoshop-style (Adobe, inverted) CMYK JPEG: the gray ramp survives.
TEST(ImageDecode, CmykJpeg) {
    const fs::path file = fs::path(CXR_SOURCE_DIR) / "tests" / "data" / "cmyk-gradient.jpg";
    ASSERT_TRUE(fs::exists(file)) << file;
    const DecodedImage decoded = decodeImage(file);
    EXPECT_EQ(decoded.header.channels, 4);
    ASSERT_EQ(decoded.pixels.size(), cv::Size(32, 24));
    for (int x = 0; x < 32; x += 31) {
        const double expected = (20.0 + (235.0 - 20.0) * x / 31.0) / 255.0;
        EXPECT_NEAR(decoded.pixels.at<float>(12, x), expected, 0.03) << "column " << x;
    }
    for (int x = 1; x < 32; ++x)
        EXPECT_GE(decoded.pixels.at<float>(12, x), decoded.pixels.at<float>(12, x - 1) - 0.01);
}

// Names in other scripts and with spaces: scanned, decoded, and errors
// still name the file.
TEST(ImageDecode, NonAsciiAndSpacedPaths) {
    test::TempDir dir;
    const fs::path folder = dir / u8"données ünïcode" / u8"胸部 X 線";
    const fs::path image = folder / u8"patient é 1.png";
    test::writeImage(image, test::gradientImage(20, 10));
    const DecodedImage decoded = decodeImage(image);
    EXPECT_EQ(decoded.pixels.size(), cv::Size(20, 10));
    test::writeFile(folder / u8"brisé ✗.jpg", "not a jpeg");
    expectLoadError(folder / u8"brisé ✗.jpg", "not a PNG");
}

TEST(ImageDecode, CorruptInputsGiveClearErrors) {
    test::TempDir dir;
    test::writeImage(dir / "good.png", test::gradientImage(64, 64));
    test::writeImage(dir / "good.jpg", test::gradientImage(64, 64));
    const std::string png = test::readFile(dir / "good.png");
    const std::string jpg = test::readFile(dir / "good.jpg");

    test::writeFile(dir / "zero.png", "");
    expectLoadError(dir / "zero.png", "empty");
    test::writeFile(dir / "text.png", "hello, I am not an image\n");
    expectLoadError(dir / "text.png", "not a PNG, JPEG");
    test::writeFile(dir / "cut.png", png.substr(0, png.size() / 2));
    expectLoadError(dir / "cut.png", "truncated");
    test::writeFile(dir / "cut.jpg", jpg.substr(0, jpg.size() / 2));
    expectLoadError(dir / "cut.jpg", "truncated");
    test::writeFile(dir / "header_only.jpg", jpg.substr(0, 10));
    expectLoadError(dir / "header_only.jpg", "truncated");
    expectLoadError(dir / "absent.png", "does not exist");
    fs::create_directory(dir / "folder.png");
    expectLoadError(dir / "folder.png", "folder");

    // Flipped bytes inside the compressed data: libpng's CRC check fails.
    std::string flipped = png;
    for (std::size_t i = 60; i < 80 && i < flipped.size() - 12; ++i)
        flipped[i] = static_cast<char>(~flipped[i]);
    test::writeFile(dir / "flipped.png", flipped);
    expectLoadError(dir / "flipped.png", "corrupt");
}

TEST(ImageDecode, RefusesDecompressionBombsBeforeDecoding) {
    test::TempDir dir;
    // A valid PNG whose header claims 60000 x 60000 (3.6 gigapixels).
    test::writeFile(dir / "bomb.png", test::pngBytes(60000, 60000, 8, 0, std::string(10, '\0')));
    expectLoadError(dir / "bomb.png", "safety limit");
}

// The reason decodeImage gives to the unprivileged user "nobody" (root
// reads any file), from a child process that reports it through a pipe;
// "(no error)" or "(could not drop privileges)" otherwise.
std::string reasonAsNobody(const fs::path &file) {
    int reasonPipe[2];
    if (pipe(reasonPipe) != 0)
        return "(no pipe)";
    const pid_t child = fork();
    if (child == 0) {
        close(reasonPipe[0]);
        std::string reason = "(no error)";
        if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0) {
            reason = "(could not drop privileges)";
        } else {
            try {
                decodeImage(file);
            } catch (const ImageLoadError &e) {
                reason = e.reason();
            }
        }
        const ssize_t written = write(reasonPipe[1], reason.data(), reason.size());
        _exit(written < 0 ? 1 : 0);
    }
    close(reasonPipe[1]);
    std::string reason;
    char buffer[256];
    for (ssize_t n; (n = read(reasonPipe[0], buffer, sizeof buffer)) > 0;)
        reason.append(buffer, static_cast<std::size_t>(n));
    close(reasonPipe[0]);
    int status = 0;
    waitpid(child, &status, 0);
    return reason;
}

TEST(ImageDecode, UnreadableFileNamesThePermissionProblem) {
    test::TempDir dir;
    test::writeImage(dir / "locked.png", test::gradientImage(8, 8));
    fs::permissions(dir / "locked.png", fs::perms::none);
    if (geteuid() != 0) {
        expectLoadError(dir / "locked.png", "permissions");
        return;
    }
    // The folder is searchable by everyone whatever the umask, so that the
    // file's own permissions are what stops the read.
    fs::permissions(dir.path(),
                    fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    const std::string reason = reasonAsNobody(dir / "locked.png");
    EXPECT_NE(reason.find("permissions"), std::string::npos) << reason;
}

// A file in a folder the user may not look into exists: the reason says so
// (it once said "the file does not exist").
TEST(ImageDecode, FileInAClosedFolderNamesTheFolderPermissions) {
    if (geteuid() != 0) {
        test::TempDir dir;
        test::writeImage(dir / "closed" / "x.png", test::gradientImage(8, 8));
        fs::permissions(dir / "closed", fs::perms::none);
        EXPECT_THROW(decodeImage(dir / "closed" / "x.png"), ImageLoadError);
        fs::permissions(dir / "closed", fs::perms::owner_all);
        GTEST_SKIP() << "the exact reason is checked as root, through the user nobody";
    }
    test::TempDir dir;
    fs::permissions(dir.path(),
                    fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    test::writeImage(dir / "closed" / "x.png", test::gradientImage(8, 8));
    fs::permissions(dir / "closed", fs::perms::owner_all);
    const std::string reason = reasonAsNobody(dir / "closed" / "x.png");
    EXPECT_NE(reason.find("permissions of its folders"), std::string::npos) << reason;
    EXPECT_EQ(reason.find("does not exist"), std::string::npos) << reason;
}

// Every real sample X-ray decodes to a plausible, non-constant image.
TEST(ImageDecode, EveryRealSampleImageDecodes) {
    CXR_REQUIRE_SHARED_DATA("cxr-sample");
    std::vector<Rejected> rejected;
    const auto images = listImages(test::sharedData() / "cxr-sample", rejected);
    ASSERT_EQ(images.size(), 160u);
    for (const fs::path &image : images) {
        const DecodedImage decoded = decodeImage(image);
        double lo = 0, hi = 0;
        cv::minMaxLoc(decoded.pixels, &lo, &hi);
        EXPECT_GE(lo, 0.0) << image;
        EXPECT_LE(hi, 1.0) << image;
        EXPECT_GT(hi - lo, 0.3) << image;
        EXPECT_EQ(std::max(decoded.pixels.cols, decoded.pixels.rows), 320) << image;
    }
}

} // namespace
} // namespace cxr
