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

struct CoronaHackMetadata {
    std::vector<CoronaHackEntry> entries;
    std::vector<Rejected> rejected; // path "<csv>:<line>" and the reason
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
// folder beside the CSV. Missing images are rejected. Throws
// DatasetFormatError when the image folders cannot be found at all.
DatasetIndex scanCoronaHack(const std::filesystem::path &csv);

} // namespace cxr
