// SPDX-License-Identifier: MIT
#include "models/loss_config.h"

#include "enum_names.h"

namespace cxr {
namespace {

constexpr EnumName<LossKind> kLossNames[] = {
    {LossKind::CrossEntropy, "ce"},
    {LossKind::Focal, "focal"},
    {LossKind::CrossEntropy, "cross-entropy"},
};

} // namespace

const char *lossName(LossKind kind) { return nameOf(kLossNames, kind); }

std::optional<LossKind> parseLoss(const std::string &name) { return parseName(kLossNames, name); }

} // namespace cxr
