// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cxr {

// Which part of a dataset a sample belongs to. Unsplit: the layout names no
// split (e.g. root/<CLASS>/*); training carves train/val/test itself.
enum class Split { Train, Val, Test, Unsplit };

const char *splitName(Split split);                       // "train", "val", "test", "unsplit"
std::optional<Split> parseSplit(const std::string &name); // case-insensitive

// The dataset layouts scan() recognises.
enum class Layout { CoronaHack, Kermany, ClassFolders };

const char *layoutName(Layout layout); // "coronahack", "kermany", "class-folders"
std::optional<Layout> parseLayout(const std::string &name);

// One labelled image. width/height come from the file header at scan time
// (0 when the header does not say, e.g. some DICOM files).
struct Sample {
    std::filesystem::path path;
    int label = -1; // index into DatasetIndex::classes
    Split split = Split::Unsplit;
    std::string patientId; // empty when the layout does not tell
    int width = 0;
    int height = 0;
};

// A file (or CSV row) the scan could not use, with a sentence saying why.
struct Rejected {
    std::filesystem::path path;
    std::string reason;
};

// Everything scan() learnt about a dataset. A plain value: copy it freely,
// share it read-only between threads.
struct DatasetIndex {
    std::filesystem::path root;
    Layout layout = Layout::ClassFolders;
    std::vector<std::string> classes; // label index -> class name
    std::vector<Sample> samples;
    std::vector<Rejected> rejected;

    // Samples per split and class: counts[split][label]. Splits in enum order.
    std::vector<std::vector<std::size_t>> counts() const;
    bool hasSplit(Split split) const;
    int classIndex(const std::string &name) const; // -1 when absent
    // A sample's file relative to the root with '/' separators: how run
    // folders, exclusion lists and reports name it wherever the dataset lies.
    std::string relativePath(std::size_t sample) const;
};

} // namespace cxr
