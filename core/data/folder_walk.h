// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <vector>

#include "data/dataset_index.h"

namespace cxr {

// Immediate sub-folders of `dir`, sorted by name, leaving out hidden ones
// (".git", ".DS_Store") and macOS archive debris ("__MACOSX").
std::vector<std::filesystem::path> listSubfolders(const std::filesystem::path &dir);

// Every image file below `dir`, recursively, sorted by path. Hidden files and
// folders and __MACOSX are skipped silently; other files without an image
// extension are added to `rejected` with the reason. Symbolic links to
// folders are not followed, so a link loop cannot hang the walk; links to
// files are used. Folders that cannot be read are rejected, not fatal.
std::vector<std::filesystem::path> listImages(const std::filesystem::path &dir,
                                              std::vector<Rejected> &rejected);

// True when `dir` has at least one image file anywhere below it.
bool containsImages(const std::filesystem::path &dir);

} // namespace cxr
