// SPDX-License-Identifier: MIT
#pragma once

#include <vector>

#include <opencv2/core/mat.hpp>
#include <opencv2/core/types.hpp>

namespace cxr {

// Counts burned-in marks that look like text: laterality letters ("R",
// "L"), "PORTABLE", dates. Such marks differ between hospitals and so can
// tell a dataset's source, and with it the class (DeGrave et al. 2021).
//
// A mark is a glyph-sized shape (1.2% to 8% of the image's longer side
// high) that is near white (above 0.7), stands out from what surrounds it
// (a white top-hat of 3% of the side above 0.4) on a dark background
// (below 0.35), with a stroke-like fill of its bounding box (15% to 85%).
// Ribs, clavicles and wires sit on grey lung or soft tissue, discs and
// electrodes fill their box; those are not counted. Dark print on a white
// label is not counted either. `gray` is CV_32FC1 in [0, 1]; images
// smaller than 128 pixels have no marks. Returns each mark's box in
// `gray`'s pixels.
std::vector<cv::Rect> findTextMarks(const cv::Mat &gray);

// How many marks findTextMarks finds.
int countTextMarks(const cv::Mat &gray);

} // namespace cxr
