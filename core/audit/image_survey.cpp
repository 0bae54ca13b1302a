// SPDX-License-Identifier: MIT
#include "audit/image_survey.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "audit/text_marks.h"
#include "data/image_decode.h"
#include "data/image_header.h"
#include "errors.h"

namespace cxr {
namespace {

std::uint64_t fnv1a(const unsigned char *data, std::size_t size, std::uint64_t hash) {
    for (std::size_t i = 0; i < size; ++i) {
        hash ^= data[i];
        hash *= 1099511628211ull;
    }
    return hash;
}

// Rows (or columns) at an edge that are uniformly near black or near white.
int uniformEdge(const cv::Mat &gray, bool rows, bool fromStart) {
    const int n = rows ? gray.rows : gray.cols;
    int count = 0;
    for (int k = 0; k < n / 3; ++k) {
        const int index = fromStart ? k : n - 1 - k;
        const cv::Mat line = rows ? gray.row(index) : gray.col(index);
        cv::Scalar mean, spread;
        cv::meanStdDev(line, mean, spread);
        const bool uniform = spread[0] < 0.02 && (mean[0] < 0.04 || mean[0] > 0.96);
        if (!uniform)
            break;
        ++count;
    }
    return count;
}

void appendDetail(const cv::Mat &gray, std::vector<float> &out) {
    for (int k = 0; k < kDetailScales; ++k) {
        const double scale = 1.0 - 0.03 * k;
        const int w = std::max(1, static_cast<int>(gray.cols * scale));
        const int h = std::max(1, static_cast<int>(gray.rows * scale));
        const cv::Mat crop = gray(cv::Rect((gray.cols - w) / 2, (gray.rows - h) / 2, w, h));
        cv::Mat small, blurred;
        cv::resize(crop, small, cv::Size(kDetailSide, kDetailSide), 0, 0, cv::INTER_AREA);
        cv::GaussianBlur(small, blurred, cv::Size(0, 0), 2.0);
        cv::Mat detail = small - blurred;
        cv::Scalar mean, spread;
        cv::meanStdDev(detail, mean, spread);
        detail -= mean[0];
        cv::min(detail, 2.5 * spread[0], detail);
        cv::max(detail, -2.5 * spread[0], detail);
        const double norm = cv::norm(detail);
        if (norm > 1e-12)
            detail /= norm;
        out.insert(out.end(), detail.begin<float>(), detail.end<float>());
    }
}

double borderFraction(const cv::Mat &gray) {
    const int top = uniformEdge(gray, true, true), bottom = uniformEdge(gray, true, false);
    const int left = uniformEdge(gray, false, true), right = uniformEdge(gray, false, false);
    const double inner = static_cast<double>(std::max(0, gray.rows - top - bottom)) *
                         std::max(0, gray.cols - left - right);
    return 1.0 - inner / (static_cast<double>(gray.rows) * gray.cols);
}

} // namespace

ImageSurvey surveyImage(const cv::Mat &gray,
                        const std::string &format,
                        int width,
                        int height,
                        int bitDepth,
                        int channels) {
    ImageSurvey s;
    s.format = format;
    s.width = width;
    s.height = height;
    s.bitDepth = bitDepth;
    s.channels = channels;

    cv::Mat bytes;
    gray.convertTo(bytes, CV_8U, 255.0);
    std::uint64_t hash = 1469598103934665603ull;
    const int size[2] = {bytes.cols, bytes.rows};
    hash = fnv1a(reinterpret_cast<const unsigned char *>(size), sizeof size, hash);
    for (int r = 0; r < bytes.rows; ++r)
        hash = fnv1a(bytes.ptr<unsigned char>(r), static_cast<std::size_t>(bytes.cols), hash);
    s.exact = hash;

    s.detail.reserve(static_cast<std::size_t>(kDetailScales * kDetailLength));
    appendDetail(gray, s.detail);

    cv::Mat small;
    cv::resize(gray, small, cv::Size(kThumbnailSide, kThumbnailSide), 0, 0, cv::INTER_AREA);
    cv::Scalar mean, spread;
    cv::meanStdDev(small, mean, spread);
    small = small - mean[0];
    const double norm = cv::norm(small);
    if (norm > 1e-9)
        small /= norm;
    s.thumbnail.assign(small.begin<float>(), small.end<float>());

    std::vector<double> bins(kSurveyHistogramBins, 0.0);
    for (int r = 0; r < bytes.rows; ++r)
        for (const unsigned char *p = bytes.ptr<unsigned char>(r), *end = p + bytes.cols; p < end;
             ++p)
            bins[static_cast<std::size_t>(*p * kSurveyHistogramBins / 256)] += 1;
    const double pixels = static_cast<double>(bytes.total());
    for (double b : bins)
        s.histogram.push_back(static_cast<float>(std::sqrt(b / pixels)));

    cv::meanStdDev(gray, mean, spread);
    s.meanIntensity = mean[0];
    s.intensitySpread = spread[0];
    s.borderFraction = borderFraction(gray);
    s.textMarks = countTextMarks(gray);
    return s;
}

ImageSurvey surveyFile(const std::filesystem::path &file) {
    const std::string bytes = readFileBytes(file);
    const ImageHeader header = parseImageHeader(bytes, file);
    std::string format = imageFormatName(header.format);
    std::transform(format.begin(), format.end(), format.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    // Every measure works at a few hundred pixels: a large JPEG is decoded
    // at a quarter of its size by the decoder itself (its DCT scaling).
    if (header.format == ImageFormat::Jpeg && std::min(header.width, header.height) >= 1024) {
        const cv::Mat buffer(
            1, static_cast<int>(bytes.size()), CV_8U, const_cast<char *>(bytes.data()));
        cv::Mat reduced = cv::imdecode(buffer, cv::IMREAD_REDUCED_GRAYSCALE_4);
        if (!reduced.empty()) {
            cv::Mat gray;
            reduced.convertTo(gray, CV_32F, 1.0 / 255.0);
            return surveyImage(
                gray, format, header.width, header.height, header.bitDepth, header.channels);
        }
    }
    const DecodedImage image = decodeImageBytes(bytes, file);
    return surveyImage(
        image.pixels, format, header.width, header.height, header.bitDepth, header.channels);
}

} // namespace cxr
