// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

#include "audit/image_survey.h"

namespace cxr {

// Whether the class can be told from image properties alone, without any
// disease signal (DeGrave et al. 2021): a shallow decision tree (OpenCV ml,
// depth 3, classes weighted equally) predicts the label from one group of
// properties at a time, and from all of them, scored by balanced accuracy
// under 5-fold stratified cross-validation. Chance is 1 / classes.
struct ShortcutGroup {
    std::string name;                  // "image size", "file type", ...
    std::vector<std::string> features; // "width", "height", ...
    double balancedAccuracy = 0;
};

struct ShortcutReport {
    double chance = 0;
    std::vector<ShortcutGroup> groups; // each group, then "all properties" last
    // The group with the highest score (not "all") and a sentence saying
    // what it means, when its score is at least halfway from chance to 1.
    std::string warning;
    const ShortcutGroup &all() const { return groups.back(); }
};

// `labels` per survey (-1: left out); fewer than 2 classes or 10 images per
// class give a report with no groups.
ShortcutReport findShortcuts(const std::vector<const ImageSurvey *> &surveys,
                             const std::vector<int> &labels,
                             int classes);

} // namespace cxr
