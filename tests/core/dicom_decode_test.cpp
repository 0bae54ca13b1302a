// SPDX-License-Identifier: MIT
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcuid.h>
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

// Expects decodeImage(file) to fail with a message naming the file and
// containing `words`.
void expectDecodeError(const fs::path &file, const std::string &words) {
    try {
        decodeImage(file);
        ADD_FAILURE() << "expected ImageLoadError for " << file;
    } catch (const ImageLoadError &e) {
        EXPECT_NE(std::string(e.what()).find(file.filename().string()), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
}

// The attributes every image file here shares; the caller adds the pixels.
DcmFileFormat
secondaryCapture(Uint16 rows, Uint16 columns, Uint16 samples, const char *photometric) {
    DcmFileFormat format;
    DcmDataset &d = *format.getDataset();
    char uid[100];
    d.putAndInsertString(DCM_SOPClassUID, UID_SecondaryCaptureImageStorage);
    d.putAndInsertString(DCM_SOPInstanceUID,
                         dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT));
    d.putAndInsertString(DCM_Modality, "OT");
    d.putAndInsertUint16(DCM_Rows, rows);
    d.putAndInsertUint16(DCM_Columns, columns);
    d.putAndInsertUint16(DCM_SamplesPerPixel, samples);
    d.putAndInsertString(DCM_PhotometricInterpretation, photometric);
    if (samples > 1)
        d.putAndInsertUint16(DCM_PlanarConfiguration, 0);
    d.putAndInsertUint16(DCM_BitsAllocated, 8);
    d.putAndInsertUint16(DCM_BitsStored, 8);
    d.putAndInsertUint16(DCM_HighBit, 7);
    d.putAndInsertUint16(DCM_PixelRepresentation, 0);
    return format;
}

// An RGB secondary capture (a screenshot of a film, say) decodes to gray
// with the gray levels of its picture.
TEST(DicomDecode, RgbDicomBecomesGray) {
    test::TempDir dir;
    const cv::Mat gradient = test::gradientImage(40, 30); // CV_8UC1
    cv::Mat rgb;
    cv::merge(std::vector<cv::Mat>{gradient, gradient, gradient}, rgb);
    DcmFileFormat format = secondaryCapture(30, 40, 3, "RGB");
    ASSERT_TRUE(format.getDataset()
                    ->putAndInsertUint8Array(DCM_PixelData, rgb.data, rgb.total() * 3)
                    .good());
    const fs::path file = dir / "rgb.dcm";
    ASSERT_TRUE(format.saveFile(file.c_str(), EXS_LittleEndianExplicit).good());

    const DecodedImage decoded = decodeImage(file);
    EXPECT_EQ(decoded.header.channels, 3);
    ASSERT_EQ(decoded.pixels.size(), cv::Size(40, 30));
    cv::Mat expected;
    gradient.convertTo(expected, CV_32F, 1.0 / 255.0);
    cv::Mat a = expected - cv::mean(expected)[0];
    cv::Mat b = decoded.pixels - cv::mean(decoded.pixels)[0];
    EXPECT_GT(a.dot(b) / std::sqrt(a.dot(a) * b.dot(b)), 0.99);
}

// A radiograph's header tells a viewer what it needs: the window the
// pixels were rendered with (in modality values, after the rescale), the
// modality, the view and the pixel spacing.
TEST(DicomDecode, KeepsTheWindowViewAndSpacing) {
    test::TempDir dir;
    DcmFileFormat format = secondaryCapture(30, 40, 1, "MONOCHROME2");
    DcmDataset &d = *format.getDataset();
    d.putAndInsertString(DCM_Modality, "DX");
    d.putAndInsertString(DCM_ViewPosition, "PA");
    d.putAndInsertString(DCM_ImagerPixelSpacing, "0.2\\0.25");
    d.putAndInsertUint16(DCM_BitsAllocated, 16);
    d.putAndInsertUint16(DCM_BitsStored, 12);
    d.putAndInsertUint16(DCM_HighBit, 11);
    d.putAndInsertString(DCM_RescaleIntercept, "-1024");
    d.putAndInsertString(DCM_RescaleSlope, "1");
    d.putAndInsertString(DCM_WindowCenter, "600");
    d.putAndInsertString(DCM_WindowWidth, "1200");
    std::vector<Uint16> pixels(30 * 40);
    for (std::size_t i = 0; i < pixels.size(); ++i)
        pixels[i] = static_cast<Uint16>(i * 3);
    ASSERT_TRUE(d.putAndInsertUint16Array(DCM_PixelData, pixels.data(), pixels.size()).good());
    const fs::path file = dir / "dx.dcm";
    ASSERT_TRUE(format.saveFile(file.c_str(), EXS_LittleEndianExplicit).good());

    const DecodedImage decoded = decodeImage(file);
    ASSERT_TRUE(decoded.dicom.has_value());
    EXPECT_EQ(decoded.dicom->modality, "DX");
    EXPECT_EQ(decoded.dicom->viewPosition, "PA");
    EXPECT_EQ(decoded.dicom->photometric, "MONOCHROME2");
    EXPECT_DOUBLE_EQ(decoded.dicom->rowSpacingMm, 0.2);
    EXPECT_DOUBLE_EQ(decoded.dicom->columnSpacingMm, 0.25);
    EXPECT_TRUE(decoded.dicom->spacingAtDetector);
    EXPECT_DOUBLE_EQ(decoded.dicom->windowCentre, 600);
    EXPECT_DOUBLE_EQ(decoded.dicom->windowWidth, 1200);
    EXPECT_DOUBLE_EQ(decoded.valueLower, 0);
    EXPECT_DOUBLE_EQ(decoded.valueUpper, 1200);
    // Stored 0 is modality value -1024, below the window: black.
    EXPECT_FLOAT_EQ(decoded.pixels.at<float>(0, 0), 0.0f);
}

TEST(DicomDecode, NoPixelDataIsAClearError) {
    test::TempDir dir;
    DcmFileFormat format = secondaryCapture(30, 40, 1, "MONOCHROME2");
    const fs::path file = dir / "header-only.dcm";
    ASSERT_TRUE(format.saveFile(file.c_str(), EXS_LittleEndianExplicit).good());
    EXPECT_EQ(readImageHeader(file).width, 40); // the header alone is fine
    expectDecodeError(file, "no pixel data");
}

// JPEG 2000 needs a codec Debian's DCMTK does not ship: the error says which
// transfer syntax could not be decoded.
TEST(DicomDecode, TransferSyntaxWithoutACodecIsAClearError) {
    test::TempDir dir;
    DcmFileFormat format = secondaryCapture(30, 40, 1, "MONOCHROME2");
    auto *sequence = new DcmPixelSequence(DCM_PixelSequenceTag);
    sequence->insert(new DcmPixelItem(DCM_PixelItemTag)); // empty offset table
    auto *fragment = new DcmPixelItem(DCM_PixelItemTag);
    const std::string codestream = "\xFF\x4F\xFF\x51 not really a JPEG 2000 codestream";
    fragment->putUint8Array(reinterpret_cast<const Uint8 *>(codestream.data()),
                            static_cast<unsigned long>(codestream.size() + codestream.size() % 2));
    sequence->insert(fragment);
    auto *pixels = new DcmPixelData(DCM_PixelData);
    pixels->putOriginalRepresentation(EXS_JPEG2000LosslessOnly, nullptr, sequence);
    format.getDataset()->insert(pixels);
    const fs::path file = dir / "j2k.dcm";
    ASSERT_TRUE(format.saveFile(file.c_str(), EXS_JPEG2000LosslessOnly).good());
    expectDecodeError(file, "JPEG 2000");
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
