// SPDX-License-Identifier: MIT
#include "data/image_decode.h"

#include <fstream>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "data/dicom_decode.h"
#include "errors.h"

namespace cxr {
namespace {

// Any channel count and integer depth OpenCV returns -> CV_32FC1 in [0, 1].
cv::Mat toGrayFloat(const cv::Mat &decoded) {
    cv::Mat gray;
    switch (decoded.channels()) {
    case 1:
        gray = decoded;
        break;
    case 3: // OpenCV decodes colour as BGR; palette PNGs arrive expanded to BGR
        cv::cvtColor(decoded, gray, cv::COLOR_BGR2GRAY);
        break;
    case 4:
        cv::cvtColor(decoded, gray, cv::COLOR_BGRA2GRAY);
        break;
    default:
        cv::extractChannel(decoded, gray, 0);
        break;
    }
    cv::Mat out;
    switch (gray.depth()) {
    case CV_8U:
        gray.convertTo(out, CV_32F, 1.0 / 255.0);
        break;
    case CV_16U:
        gray.convertTo(out, CV_32F, 1.0 / 65535.0);
        break;
    default: {
        // Float or signed TIFFs have no fixed range: stretch what is there.
        gray.convertTo(out, CV_32F);
        cv::normalize(out, out, 0.0, 1.0, cv::NORM_MINMAX);
        cv::patchNaNs(out, 0.0);
        break;
    }
    }
    return out;
}

// Mean of (max - min) over the colour channels, on at most about 256 x 256
// pixels (a nearest-neighbour thumbnail: cheap, and the mean barely moves).
double colourfulness(const cv::Mat &decoded) {
    if (decoded.channels() < 3)
        return 0;
    cv::Mat small = decoded;
    const int longest = std::max(decoded.cols, decoded.rows);
    if (longest > 256) {
        const double scale = 256.0 / longest;
        cv::resize(decoded, small, cv::Size(), scale, scale, cv::INTER_NEAREST);
    }
    std::vector<cv::Mat> channels;
    cv::split(small, channels);
    cv::Mat high = channels[0].clone(), low = channels[0].clone();
    for (int c = 1; c < 3; ++c) {
        cv::max(high, channels[static_cast<std::size_t>(c)], high);
        cv::min(low, channels[static_cast<std::size_t>(c)], low);
    }
    cv::Mat spread;
    cv::subtract(high, low, spread, cv::noArray(), CV_32F);
    const double fullScale = decoded.depth() == CV_16U  ? 65535.0
                             : decoded.depth() == CV_8U ? 255.0
                                                        : 1.0;
    return cv::mean(spread)[0] / fullScale;
}

} // namespace

std::string readFileBytes(const std::filesystem::path &file, std::uint64_t maxBytes) {
    std::error_code error;
    const auto status = std::filesystem::status(file, error);
    if (error && error != std::errc::no_such_file_or_directory &&
        error != std::errc::not_a_directory)
        throw ImageLoadError(file,
                             "the file cannot be looked at (" + error.message() +
                                 "; check the permissions of its folders)");
    if (error || !std::filesystem::exists(status))
        throw ImageLoadError(file, "the file does not exist");
    if (std::filesystem::is_directory(status))
        throw ImageLoadError(file, "it is a folder, not an image file");
    const auto size = std::filesystem::file_size(file, error);
    if (error)
        throw ImageLoadError(file, error.message());
    if (size > maxBytes)
        throw ImageLoadError(file,
                             "the file is " + std::to_string(size >> 20) +
                                 " MiB, above the limit of " + std::to_string(maxBytes >> 20) +
                                 " MiB");
    std::ifstream stream(file, std::ios::binary);
    if (!stream)
        throw ImageLoadError(file, "the file cannot be opened for reading (check its permissions)");
    std::string bytes(static_cast<std::size_t>(size), '\0');
    if (!stream.read(bytes.data(), static_cast<std::streamsize>(size)))
        throw ImageLoadError(file, "reading the file failed part way");
    return bytes;
}

DecodedImage decodeImage(const std::filesystem::path &file) {
    return decodeImageBytes(readFileBytes(file), file);
}

DecodedImage decodeImageBytes(const std::string &bytes, const std::filesystem::path &file) {
    // DICOM is parsed once, by DCMTK, which checks its own header.
    if (bytes.size() > 0 && looksLikeDicom(bytes, file) &&
        bytes.compare(0, 8, "\x89PNG\r\n\x1A\n") != 0)
        return decodeDicom(bytes, file);
    // The header check comes first: it refuses bombs and truncated files
    // before any decoder allocates or guesses.
    const ImageHeader header = parseImageHeader(bytes, file);

    const cv::Mat buffer(1,
                         static_cast<int>(bytes.size()),
                         CV_8UC1,
                         const_cast<char *>(bytes.data())); // imdecode only reads it
    cv::Mat decoded;
    try {
        decoded = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception &e) {
        throw ImageLoadError(file, std::string("the decoder failed: ") + e.what());
    }
    if (decoded.empty())
        throw ImageLoadError(file,
                             std::string("the ") + imageFormatName(header.format) +
                                 " data is corrupt and could not be decoded");
    if (decoded.cols != header.width || decoded.rows != header.height)
        throw ImageLoadError(file, "the decoded size does not match the header's size");
    DecodedImage image;
    image.pixels = toGrayFloat(decoded);
    image.header = header;
    image.colourfulness = colourfulness(decoded);
    // toGrayFloat divided by the largest value of the sample type.
    if (decoded.depth() == CV_8U)
        image.valueUpper = 255;
    else if (decoded.depth() == CV_16U)
        image.valueUpper = 65535;
    return image;
}

} // namespace cxr
