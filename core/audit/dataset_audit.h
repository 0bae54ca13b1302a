// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "audit/duplicates.h"
#include "audit/shortcuts.h"
#include "data/dataset_index.h"
#include "progress.h"

namespace cxr {

// A dataset checked for the faults that inflate published accuracy on
// public COVID-19 collections (Roberts et al. 2021, DeGrave et al. 2021):
// the same film more than once, one patient in several splits, classes that
// differ in how their images were made, and images unlike the rest.
struct AuditOptions {
    int threads = 0; // 0: every core
    DuplicateOptions duplicates;
    double outlierScore = 4; // robust z-score of the neighbour distance
    std::size_t maxOutliers = 30;
    // Where image surveys are kept between audits (audit/survey_cache.h);
    // empty: none kept.
    std::filesystem::path cacheFolder;
};

struct AuditDuplicate {
    std::vector<std::size_t> samples; // indices into DatasetIndex::samples
    bool exact = false;
    bool acrossSplits = false;      // members in more than one split: leakage
    bool conflictingLabels = false; // members with different labels
    double score = 1;               // see DuplicateGroup::score
};

struct PatientOverlap {
    std::string patient;
    std::vector<Split> splits;
    std::vector<std::size_t> samples;
};

struct AuditOutlier {
    std::size_t sample = 0;
    // How far the image is from its nearest neighbours, in robust standard
    // deviations (median and MAD over the dataset) of that distance.
    double score = 0;
};

// Films with text-like marks kept per class, to show what was counted.
constexpr std::size_t kMarkedExamples = 2;

// One class's image properties: medians, and the share of each file format.
struct ClassProperties {
    std::string className;
    std::size_t images = 0;
    double medianWidth = 0, medianHeight = 0, medianAspect = 0;
    double medianIntensity = 0, medianBorder = 0;
    std::vector<std::pair<std::string, double>> formats; // format, share
    std::vector<std::pair<int, double>> bitDepths;       // bits, share
    double textMarkShare = 0;                // of images with at least one text-like mark
    std::vector<std::size_t> markedExamples; // samples, up to kMarkedExamples
};

struct DatasetAudit {
    std::size_t images = 0;    // surveyed
    std::size_t fromCache = 0; // of which read from the survey cache
    std::vector<Rejected> unreadable;
    std::vector<AuditDuplicate> duplicates;
    std::vector<PatientOverlap> patients; // in more than one split
    ShortcutReport shortcut;
    std::vector<ClassProperties> classes; // in DatasetIndex::classes order
    std::vector<AuditOutlier> outliers;   // highest score first
    double seconds = 0;

    // The copy groups counted: in all, their extra copies, those across
    // splits and those with conflicting labels.
    struct CopyCounts {
        std::size_t groups = 0, extraCopies = 0, acrossSplits = 0, conflictingLabels = 0;
    };
    CopyCounts copyCounts() const;
};

// Surveys every sample on `options.threads` threads (progress per image;
// cancel stops at the next one), then looks for the faults above. An image
// that cannot be read is listed in `unreadable` and the rest goes on.
DatasetAudit auditDataset(const DatasetIndex &index,
                          const AuditOptions &options = {},
                          const ProgressFn &progress = {},
                          const CancelToken *cancel = nullptr);

// The images a split without leakage would leave out (paths relative to the
// dataset root, sorted): of a group of copies within one label, every copy
// but the first in split order (train, val, test, unsplit); every member
// of a group with conflicting labels; and the non-training images of a
// patient found in several splits. Outliers are listed, not excluded.
std::vector<std::string> auditExclusions(const DatasetIndex &index, const DatasetAudit &audit);

// The exclusions file `cxr train --exclude` reads: '#' comment lines saying
// what it is, then one relative path per line.
std::string exclusionsFileText(const DatasetIndex &index, const std::vector<std::string> &paths);

// Reads an exclusions file: every non-empty line that is not a comment.
// Throws Error naming the file when it cannot be read.
std::vector<std::string> readExclusionsFile(const std::filesystem::path &file);

} // namespace cxr
