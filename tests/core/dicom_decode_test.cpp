// SPDX-License-Identifier: MIT
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "data/dicom_decode.h"
#include "data/image_header.h"
#include "errors.h"
#include "support/test_support.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;

fs::path dicomSample(const char *name) { return test::sharedData() / "dicom-sample" / name; }

double stddev(const cv::Mat &image) {
    cv::Scalar mean, sd;
    cv::meanStdDev(image, mean, sd);
    return sd[0];
}

TEST(DicomDecode, JpegBaselineMonochrome2) {
    CXR_REQUIRE_SHARED_DATA("dicom-sample");
    const fs::path file = dicomSample("cr_chest_pa_jpeg_baseline_siim.dcm");
    const ImageHeader header = readImageHeader(file);
    EXPECT_EQ(header.format, ImageFormat::Dicom);
    EXPECT_EQ(header.width, 1024);
    EXPECT_EQ(header.height, 1024);
    const DecodedImage decoded = decodeImage(file);
    EXPECT_EQ(decoded.pixels.size(), cv::Size(1024, 1024));
    EXPECT_GT(stddev(decoded.pixels), 0.1);
}

// MONOCHROME1 stores dense tissue as low values; the decoded image must be
// the inverse, i.e. anti-correlated with the stored pixel values.
TEST(DicomDecode, Monochrome1IsInverted) {
    CXR_REQUIRE_SHARED_DATA("dicom-sample");
    const fs::path file = dicomSample("cr_chest_mono1_10bit_gdcm.dcm");
    const DecodedImage decoded = decodeImage(file);
    ASSERT_EQ(decoded.pixels.size(), cv::Size(440, 440));
    EXPECT_EQ(decoded.header.bitDepth, 10);
    EXPECT_GT(stddev(decoded.pixels), 0.1);

    DcmFileFormat format;
    ASSERT_TRUE(format.loadFile(file.c_str()).good());
    const Uint16 *raw = nullptr;
    unsigned long count = 0;
    ASSERT_TRUE(format.getDataset()->findAndGetUint16Array(DCM_PixelData, raw, &count).good());
    ASSERT_EQ(count, 440u * 440u);
    cv::Mat stored(440, 440, CV_16UC1, const_cast<Uint16 *>(raw));
    cv::Mat storedFloat;
    stored.convertTo(storedFloat, CV_32F);
    cv::Mat a = storedFloat - cv::mean(storedFloat)[0];
    cv::Mat b = decoded.pixels - cv::mean(decoded.pixels)[0];
    const double correlation = a.dot(b) / std::sqrt(a.dot(a) * b.dot(b));
    EXPECT_LT(correlation, -0.8);
}

TEST(DicomDecode, NonDicomWithDcmExtensionIsRefused) {
    test::TempDir dir;
    test::writeFile(dir / "random.dcm", std::string(300, '\x17'));
    EXPECT_THROW(decodeImage(dir / "random.dcm"), ImageLoadError);
    EXPECT_THROW(readImageHeader(dir / "random.dcm"), ImageLoadError);
}

TEST(DicomDecode, TruncatedDicomIsAClearError) {
    CXR_REQUIRE_SHARED_DATA("dicom-sample");
    const std::string bytes = test::readFile(dicomSample("cr_chest_mono1_10bit_gdcm.dcm"));
    test::TempDir dir;
    test::writeFile(dir / "cut.dcm", bytes.substr(0, bytes.size() / 2));
    EXPECT_THROW(decodeImage(dir / "cut.dcm"), ImageLoadError);
}

} // namespace
} // namespace cxr
