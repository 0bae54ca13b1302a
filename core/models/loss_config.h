// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace cxr {

// Which loss a run trains with. Kept apart from losses.h (LibTorch) so
// configs and the UI can hold one.
enum class LossKind { CrossEntropy, Focal };

const char *lossName(LossKind kind); // "ce", "focal"
std::optional<LossKind> parseLoss(const std::string &name);

struct LossConfig {
    LossKind kind = LossKind::CrossEntropy;
    double gamma = 2.0;        // focal focusing parameter (Lin et al. 2017 use 2)
    std::vector<double> alpha; // focal per-class weights; empty = 1 for every class
};

} // namespace cxr
