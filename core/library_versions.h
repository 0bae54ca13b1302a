// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace cxr {

// The libraries CXR Studio's core runs with, as (name, version) pairs for
// `--version` and bug reports. Where a library can say its own version at run
// time (OpenCV, oneDNN) that is what is reported; LibTorch and DCMTK report
// the version of the headers they were built against. Thread-safe.
std::vector<std::pair<std::string, std::string>> coreLibraryVersions();

} // namespace cxr
