// SPDX-License-Identifier: MIT
#include "audit/text_marks.h"

#include <algorithm>

#include <opencv2/imgproc.hpp>

namespace cxr {
namespace {

constexpr int kWorkingSide = 512;                     // the longer side the image is measured at
constexpr double kMinGlyph = 0.012, kMaxGlyph = 0.08; // of the longer side
constexpr double kTopHatSize = 0.03;                  // of the longer side
// Candidate pixels: brighter than their surroundings by kContrast, and
// bright themselves.
constexpr double kContrast = 0.25, kLevel = 0.45;
constexpr double kMinFill = 0.08, kMaxFill = 0.85;
constexpr int kMinArea = 12; // pixels at the working size
// A glyph is near white somewhere and bright on the whole, and its outline
// is a step: the mean Sobel gradient just outside it (intensity per pixel,
// 3 x 3 kernel) is at least kEdge. Bone and wires fade into their
// surroundings; printed letters do not. Measured on letters planted in the
// real sample and on components of films and phantoms without letters.
constexpr double kGlyphPeak = 0.92, kGlyphMean = 0.68, kEdge = 0.7;
// ... and it stands clear of what touches it: its mean is above its
// outline's by kStandOut (a bright corner of a larger shape is not).
constexpr double kStandOut = 0.15;

struct Component {
    cv::Rect box;
    int label = 0, area = 0;
};

bool looksLikeGlyph(const Component &c,
                    const cv::Mat &image,
                    const cv::Mat &labels,
                    const cv::Mat &gradient) {
    const double fill = static_cast<double>(c.area) / c.box.area();
    if (fill < kMinFill || fill > kMaxFill)
        return false;
    const cv::Mat glyph = labels(c.box) == c.label;
    double peak = 0;
    cv::minMaxLoc(image(c.box), nullptr, &peak, nullptr, nullptr, glyph);
    const double mean = cv::mean(image(c.box), glyph)[0];
    if (peak < kGlyphPeak || mean < kGlyphMean)
        return false;
    const cv::Rect around =
        ((c.box + cv::Size(4, 4)) - cv::Point(2, 2)) & cv::Rect(0, 0, image.cols, image.rows);
    const cv::Mat inside = labels(around) == c.label;
    cv::Mat grown;
    cv::dilate(inside, grown, cv::Mat());
    const cv::Mat outline = grown & ~inside;
    return cv::mean(gradient(around), outline)[0] >= kEdge &&
           mean - cv::mean(image(around), outline)[0] >= kStandOut;
}

} // namespace

std::vector<cv::Rect> findTextMarks(const cv::Mat &gray) {
    const int longer = std::max(gray.rows, gray.cols);
    if (longer < 128)
        return {};
    const double scale = static_cast<double>(kWorkingSide) / longer;
    cv::Mat image;
    cv::resize(
        gray, image, cv::Size(), scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
    const int kernel = std::max(3, static_cast<int>(kWorkingSide * kTopHatSize) | 1);
    cv::Mat topHat;
    cv::morphologyEx(image,
                     topHat,
                     cv::MORPH_TOPHAT,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(kernel, kernel)));
    const cv::Mat candidates = (topHat > kContrast) & (image > kLevel);
    cv::Mat labels, stats, centroids;
    const int components =
        cv::connectedComponentsWithStats(candidates, labels, stats, centroids, 8);
    cv::Mat dx, dy, gradient;
    cv::Sobel(image, dx, CV_32F, 1, 0);
    cv::Sobel(image, dy, CV_32F, 0, 1);
    cv::magnitude(dx, dy, gradient);
    const double minSide = kWorkingSide * kMinGlyph, maxSide = kWorkingSide * kMaxGlyph;
    std::vector<cv::Rect> marks;
    for (int label = 1; label < components; ++label) {
        const Component c{cv::Rect(stats.at<int>(label, cv::CC_STAT_LEFT),
                                   stats.at<int>(label, cv::CC_STAT_TOP),
                                   stats.at<int>(label, cv::CC_STAT_WIDTH),
                                   stats.at<int>(label, cv::CC_STAT_HEIGHT)),
                          label,
                          stats.at<int>(label, cv::CC_STAT_AREA)};
        if (c.box.height < minSide || c.box.height > maxSide || c.box.width > maxSide ||
            c.box.width < 2 || c.area < kMinArea || !looksLikeGlyph(c, image, labels, gradient))
            continue;
        marks.emplace_back(cvRound(c.box.x / scale),
                           cvRound(c.box.y / scale),
                           cvRound(c.box.width / scale),
                           cvRound(c.box.height / scale));
    }
    return marks;
}

int countTextMarks(const cv::Mat &gray) { return static_cast<int>(findTextMarks(gray).size()); }

} // namespace cxr
