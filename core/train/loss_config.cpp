// SPDX-License-Identifier: MIT
#include "train/loss_config.h"

namespace cxr {

const char *lossName(LossKind kind) { return kind == LossKind::Focal ? "focal" : "ce"; }

std::optional<LossKind> parseLoss(const std::string &name) {
    if (name == "ce" || name == "cross-entropy")
        return LossKind::CrossEntropy;
    if (name == "focal")
        return LossKind::Focal;
    return std::nullopt;
}

} // namespace cxr
