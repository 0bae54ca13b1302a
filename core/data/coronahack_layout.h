// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "data/dataset_index.h"

namespace cxr {

// The CoronaHack Chest X-Ray dataset (Kaggle praveengovi/coronahack-chest-
// xraydataset): a metadata CSV whose rows name images in flat train/ and
// test/ folders; the class comes only from the CSV.

constexpr const char *kCoronaHackCsvName = "Chest_xray_Corona_Metadata.csv";

// One usable CSV row.
struct CoronaHackEntry {
    std::size_t line = 0;
    std::string imageName;
    Split split = Split::Train;
    std::string className; // NORMAL | BACTERIA | VIRUS | COVID19
};

// A CSV row that cannot be used, with what it says of its image.
struct RejectedRow {
    std::size_t line = 0;
    std::string imageName;      // empty when the row names no image
    std::optional<Split> split; // when the row's Dataset_type is known
    std::string reason;
};

struct CoronaHackMetadata {
    std::vector<CoronaHackEntry> entries;
    std::vector<RejectedRow> rejected;
};

// Maps the CSV's label columns to one of the four classes, following the
// paper: Normal -> NORMAL; Pnemonia [sic] + bacteria -> BACTERIA
// (Streptococcus included); Pnemonia + Virus + COVID-19 -> COVID19; any other
// Pnemonia + Virus (SARS, none) -> VIRUS. Returns nullopt with `reason` set
// for rows that fit none (Stress-Smoking / ARDS, unknown values).
std::optional<std::string> mapCoronaHackLabel(const std::string &label,
                                              const std::string &label1VirusCategory,
                                              const std::string &label2VirusCategory,
                                              std::string &reason);

// Reads and maps every row of the metadata CSV. Columns are found by header
// name. Throws DatasetFormatError when the file cannot be read or lacks a
// required column; rows that cannot be used (short row, unknown label or
// split, empty or duplicate image name) are rejected with the line number.
CoronaHackMetadata readCoronaHackMetadata(const std::filesystem::path &csv);

// The CSV for `path` (the CSV itself, or a folder holding it), if any.
std::optional<std::filesystem::path> findCoronaHackCsv(const std::filesystem::path &path);

// Indexes the dataset: the CSV's rows, with images looked up in the split's
// folder beside the CSV. Missing images are rejected. A rejected row is
// listed under the image it names (its path) with the CSV line in the
// reason, so that a user sees which X-ray was left out; a row whose image
// cannot be placed (no name, unknown split) is listed as "<csv>:<line>",
// naming the image in the reason when the row has one. Throws
// DatasetFormatError when the image folders cannot be found at all.
DatasetIndex scanCoronaHack(const std::filesystem::path &csv);

} // namespace cxr
