// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "eval/metrics.h"

namespace cxr {

// The JSON form of a split's metrics, shared by `cxr eval --json` and a run's
// summary.json (one writer, so the two cannot drift):
//   {"images", "loss", "accuracy", "accuracy_ci95": [low, high],
//    "balanced_accuracy", "balanced_accuracy_ci95", "macro_f1", "macro_f1_ci95",
//    "per_class": {class: {"precision", "recall", "f1", "auc", "support",
//                          "recall_ci95"}},
//    "confusion": [[true x predicted]]}
// An AUC that does not exist (a class absent) is null.
nlohmann::json metricsJson(const std::vector<std::string> &classes,
                           const Metrics &metrics,
                           const MetricIntervals &intervals);

} // namespace cxr
