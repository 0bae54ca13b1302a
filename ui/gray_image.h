// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>
#include <filesystem>

#include <opencv2/core/mat.hpp>

namespace cxr::ui {

// A CV_32FC1 image in [0, 1] as an 8-bit grayscale QImage (a deep copy, so
// it can cross threads), shrunk with area averaging so that its longer
// side is at most maxSide (0: full size).
QImage grayToQImage(const cv::Mat &gray, int maxSide = 0);

// Decodes an image file and returns its grayToQImage; a dark "unreadable"
// tile of maxSide pixels when it cannot be decoded. Safe on any thread.
QImage thumbnailOf(const std::filesystem::path &file, int maxSide);

} // namespace cxr::ui
