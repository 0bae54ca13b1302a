// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <vector>

#include "audit/image_survey.h"
#include "progress.h"

namespace cxr {

// Images that are the same film: the same decoded pixels (exact), or
// fine-structure descriptors (ImageSurvey::detail) that match once the
// dataset's common anatomy is taken out (near: resized, re-encoded,
// brightened, cropped by a few percent at the centre, a side or a corner,
// a burned-in marker).
//
// Chest films share their layout, so the descriptors are first "whitened":
// each scale's mean over the dataset is subtracted and the result rescaled
// to length 1. Two films then score the largest correlation over every
// pair of their scales (a crop of a few percent matches a smaller scale of
// the other), plain or after the shift between them is undone (phase
// correlation; a crop from one side shifts the film too). Candidates come from an approximate
// nearest-neighbour search (OpenCV's FLANN, randomised k-d trees on a 64-dimensional projection),
// so the cost grows as n log n, not n^2. docs/audit.md gives the scores measured for each kind of
// copy and for different films.
struct DuplicateOptions {
    double minScore = 0.90; // near duplicates score at least this
    int neighbours = 6;     // candidates per image
    // The largest shift undone, in descriptor pixels (1/32 of the image):
    // 3 covers a crop of about 10% from one side. 0 compares unaligned.
    double maxShift = 3;
};

struct DuplicateGroup {
    std::vector<std::size_t> members; // indices into the surveys, ascending
    bool exact = false;               // every member has the same pixels
    double score = 1;                 // the lowest score that joined the group
};

// Groups of two or more, ordered by their first member. Null surveys
// (images that could not be read) are skipped. A cancel stops the pairs'
// scoring (Cancelled is thrown).
std::vector<DuplicateGroup> findDuplicates(const std::vector<const ImageSurvey *> &surveys,
                                           const DuplicateOptions &options = {},
                                           const CancelToken *cancel = nullptr);

// The score of two surveys given the dataset's whitening (the mean detail
// per scale, kDetailScales * kDetailLength values).
double
duplicateScore(const ImageSurvey &a, const ImageSurvey &b, const std::vector<float> &meanDetail);

// The mean detail over surveys (the common anatomy whitening removes).
std::vector<float> meanDetail(const std::vector<const ImageSurvey *> &surveys);

} // namespace cxr
