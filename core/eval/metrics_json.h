// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "eval/calibration.h"
#include "eval/curves.h"
#include "eval/metrics.h"
#include "eval/operating_point.h"

namespace cxr {

// The JSON form of a split's metrics, shared by `cxr eval --json` and a run's
// summary.json (one writer, so the two cannot drift):
//   {"images", "loss", "accuracy", "accuracy_ci95": [low, high],
//    "balanced_accuracy", "balanced_accuracy_ci95", "macro_f1", "macro_f1_ci95",
//    "per_class": {class: {"sensitivity", "specificity", "ppv", "npv", "f1",
//                          "auc", each with its "..._ci95", "support",
//                          and "precision" and "recall" (= ppv, sensitivity)}},
//    "roc_auc": {class: auc}, "roc_auc_ci95": {class: [low, high]},
//    "confusion": [[true x predicted]]}
// A value that does not exist (an AUC with a class absent, an interval no
// resample could compute) is null.
nlohmann::json metricsJson(const std::vector<std::string> &classes,
                           const Metrics &metrics,
                           const MetricIntervals &intervals);

// Each class's curves: {"roc_curves": {class: {"fpr", "tpr", "thresholds"}},
// "pr_curves": {class: {"recall", "precision", "thresholds",
// "average_precision"}}}, lists of equal length. The ROC's first threshold,
// +infinity, is null; a class without positives or negatives has empty lists.
nlohmann::json curvesJson(const std::vector<std::string> &classes,
                          const std::vector<ClassCurves> &curves);

// Operating points with what each gives on the images evaluated:
// [{"class", "goal", "threshold", "goal_met", "fitted_on",
//   "fitted": {"sensitivity", "specificity", "ppv", "npv"},
//   "here": {the same, with "true_positives", "false_positives",
//            "true_negatives", "false_negatives"}}]
nlohmann::json operatingPointsJson(const std::vector<OperatingPoint> &points,
                                   const std::vector<BinaryResult> &results);

// A reliability diagram: [{"lower", "upper", "count", "confidence",
// "accuracy"}], one object per bin.
nlohmann::json reliabilityJson(const std::vector<ReliabilityBin> &bins);
std::vector<ReliabilityBin> reliabilityFromJson(const nlohmann::json &json);

} // namespace cxr
