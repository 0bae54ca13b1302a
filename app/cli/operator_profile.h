// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace cxr::cli {

// Where the time of one call goes, operator by operator (LibTorch's
// profiler): each operator's self time (its own, without the operators it
// called) summed over its calls, largest first.
struct OperatorTime {
    std::string name;
    double selfMilliseconds = 0;
    int calls = 0;
};

std::vector<OperatorTime> profileOperators(const std::function<void()> &work);

} // namespace cxr::cli
