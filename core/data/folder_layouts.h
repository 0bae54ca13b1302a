// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <optional>

#include "data/dataset_index.h"

namespace cxr {

// Layouts whose labels come from folder names.
//
// Kermany ("chest_xray", Kermany et al. 2018): {train,val,test}/{NORMAL,
// PNEUMONIA}/; PNEUMONIA images are BACTERIA or VIRUS by their file name
// (person1_bacteria_1.jpeg, person3_virus_15.jpeg). The archive's extra
// "chest_xray/" level is accepted.
//
// Class folders: root/{train,val,test}/<CLASS>/... or root/<CLASS>/... (no
// split). Class names are the folder names.

// The folder holding Kermany's split folders for `root`, if it is one.
std::optional<std::filesystem::path> findKermanyRoot(const std::filesystem::path &root);

// True when root has split folders with class sub-folders, or class folders
// holding images directly.
bool looksLikeClassFolders(const std::filesystem::path &root);

// Index the layouts. Files that cannot be used are rejected with a reason.
// Throw DatasetFormatError when `root` does not have the layout at all.
DatasetIndex scanKermany(const std::filesystem::path &root);
DatasetIndex scanClassFolders(const std::filesystem::path &root);

} // namespace cxr
