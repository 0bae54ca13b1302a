// SPDX-License-Identifier: MIT
#include "data/dicom_decode.h"

#include <memory>
#include <mutex>

#include <dcmtk/config/osconfig.h> // must come first among DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmimage/diregist.h> // registers colour image support
#include <dcmtk/dcmimgle/dcmimage.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>
#include <opencv2/core.hpp>

#include "errors.h"

namespace cxr {
namespace {

// DCMTK's decoders are process-wide registrations; do them once, and keep
// DCMTK's own logger quiet: every problem reaches the user through our
// exceptions instead.
void initialiseDcmtk() {
    static std::once_flag once;
    std::call_once(once, [] {
        OFLog::configure(OFLogger::FATAL_LOG_LEVEL);
        DJDecoderRegistration::registerCodecs();
        DJLSDecoderRegistration::registerCodecs();
        DcmRLEDecoderRegistration::registerCodecs();
    });
}

ImageHeader headerFromDataset(DcmDataset &dataset, const std::filesystem::path &file) {
    Uint16 rows = 0, columns = 0, bitsStored = 0, samples = 1;
    if (dataset.findAndGetUint16(DCM_Rows, rows).bad() ||
        dataset.findAndGetUint16(DCM_Columns, columns).bad())
        throw ImageLoadError(file, "the DICOM file has no image (no Rows/Columns attributes)");
    dataset.findAndGetUint16(DCM_BitsStored, bitsStored);
    dataset.findAndGetUint16(DCM_SamplesPerPixel, samples);
    ImageHeader header{ImageFormat::Dicom};
    header.width = columns;
    header.height = rows;
    header.bitDepth = bitsStored;
    header.channels = samples;
    return header;
}

std::unique_ptr<DcmFileFormat> parseBytes(const std::string &bytes,
                                          const std::filesystem::path &file) {
    initialiseDcmtk();
    DcmInputBufferStream stream;
    stream.setBuffer(bytes.data(), static_cast<offile_off_t>(bytes.size()));
    stream.setEos();
    auto format = std::make_unique<DcmFileFormat>();
    format->transferInit();
    const OFCondition status = format->read(stream);
    format->transferEnd();
    if (status.bad())
        throw ImageLoadError(file, std::string("not a readable DICOM file: ") + status.text());
    return format;
}

// What the header says of the acquisition; absent tags stay empty or 0.
DecodedImage::Dicom dicomInfo(DcmDataset &dataset) {
    DecodedImage::Dicom info;
    OFString text;
    if (dataset.findAndGetOFString(DCM_Modality, text).good())
        info.modality = text.c_str();
    if (dataset.findAndGetOFString(DCM_ViewPosition, text).good())
        info.viewPosition = text.c_str();
    if (dataset.findAndGetOFString(DCM_PhotometricInterpretation, text).good())
        info.photometric = text.c_str();
    Float64 row = 0, column = 0;
    if (dataset.findAndGetFloat64(DCM_PixelSpacing, row, 0).good() &&
        dataset.findAndGetFloat64(DCM_PixelSpacing, column, 1).good()) {
        info.rowSpacingMm = row;
        info.columnSpacingMm = column;
    } else if (dataset.findAndGetFloat64(DCM_ImagerPixelSpacing, row, 0).good() &&
               dataset.findAndGetFloat64(DCM_ImagerPixelSpacing, column, 1).good()) {
        info.rowSpacingMm = row;
        info.columnSpacingMm = column;
        info.spacingAtDetector = true;
    }
    return info;
}

} // namespace

ImageHeader readDicomHeader(const std::filesystem::path &file) {
    initialiseDcmtk();
    DcmFileFormat format;
    const OFCondition status = format.loadFileUntilTag(
        file.c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect, DCM_PixelData);
    if (status.bad())
        throw ImageLoadError(file, std::string("not a readable DICOM file: ") + status.text());
    return headerFromDataset(*format.getDataset(), file);
}

ImageHeader parseDicomHeader(const std::string &bytes, const std::filesystem::path &file) {
    const auto format = parseBytes(bytes, file);
    return headerFromDataset(*format->getDataset(), file);
}

DecodedImage decodeDicom(const std::string &bytes, const std::filesystem::path &file) {
    const auto format = parseBytes(bytes, file);
    DcmDataset &dataset = *format->getDataset();
    const ImageHeader header = headerFromDataset(dataset, file);
    if (static_cast<std::int64_t>(header.width) * header.height > kMaxImagePixels)
        throw ImageLoadError(file,
                             "the DICOM header claims " + std::to_string(header.width) + " x " +
                                 std::to_string(header.height) + " pixels, above the safety limit");
    if (!dataset.tagExists(DCM_PixelData))
        throw ImageLoadError(file, "the DICOM file has no pixel data");

    const E_TransferSyntax syntax = dataset.getOriginalXfer();
    // Decode only the first frame: chest radiographs are single-frame.
    DicomImage image(format.get(), syntax, CIF_AcrNemaCompatibility, 0, 1);
    if (image.getStatus() != EIS_Normal)
        throw ImageLoadError(file,
                             std::string("DCMTK cannot decode the pixel data (") +
                                 DicomImage::getString(image.getStatus()) + ", transfer syntax " +
                                 DcmXfer(syntax).getXferName() + ")");

    std::unique_ptr<DicomImage> mono;
    DicomImage *gray = &image;
    if (!image.isMonochrome()) {
        mono.reset(image.createMonochromeImage());
        if (!mono || mono->getStatus() != EIS_Normal)
            throw ImageLoadError(file, "the colour DICOM image could not be converted to gray");
        gray = mono.get();
    }
    // The file's own window is what the acquiring site chose for display.
    if (gray->getWindowCount() > 0)
        gray->setWindow(0);
    else
        gray->setMinMaxWindow();

    // DCMTK renders MONOCHROME1 through an inverse presentation, so its
    // output already has dense tissue bright: no second inversion here.
    const int width = static_cast<int>(gray->getWidth());
    const int height = static_cast<int>(gray->getHeight());
    const auto *data = static_cast<const Uint16 *>(gray->getOutputData(16));
    if (data == nullptr || width <= 0 || height <= 0)
        throw ImageLoadError(file, "DCMTK returned no pixels for the first frame");
    cv::Mat rendered(height, width, CV_16UC1, const_cast<Uint16 *>(data));
    cv::Mat pixels;
    rendered.convertTo(pixels, CV_32F, 1.0 / 65535.0);
    DecodedImage decoded;
    decoded.pixels = pixels;
    decoded.header = header;
    decoded.dicom = dicomInfo(dataset);
    double windowCentre = 0, windowWidth = 0;
    if (gray->getWindow(windowCentre, windowWidth) && windowWidth > 0) {
        decoded.dicom->windowCentre = windowCentre;
        decoded.dicom->windowWidth = windowWidth;
        decoded.valueLower = windowCentre - windowWidth / 2;
        decoded.valueUpper = windowCentre + windowWidth / 2;
    }
    return decoded;
}

} // namespace cxr
