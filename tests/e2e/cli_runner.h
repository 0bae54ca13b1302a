// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

namespace cxr::test {

struct CliResult {
    int exitCode = -1;
    std::string out; // stdout
    std::string err; // stderr
};

// Runs the built `cxr` binary with `args` (no shell interpretation of them).
CliResult runCli(const std::vector<std::string> &args);

} // namespace cxr::test
