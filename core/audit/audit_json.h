// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "audit/dataset_audit.h"

namespace cxr {

// The one JSON form of an audit (`cxr audit --json`; scripts depend on it):
// {"dataset", "images", "seconds", "from_cache", "unreadable": [{"path", "reason"}],
//  "duplicates": [{"files", "kind": "exact"|"near", "across_splits",
//                  "conflicting_labels", "splits", "labels", "score"}],
//  "patients_in_several_splits": [{"patient", "splits", "files"}],
//  "shortcut": {"balanced_accuracy", "chance", "features",
//               "groups": [{"name", "features", "balanced_accuracy"}], "warning"},
//  "classes": [{"class", "images", "median_width", "median_height",
//               "median_aspect", "median_intensity", "median_border",
//               "formats": {format: share}, "bit_depths": {bits: share}}],
//  "outliers": [{"path", "score"}]}
// Paths are as scanned (the dataset folder joined with the file).
nlohmann::json auditJson(const DatasetIndex &index, const DatasetAudit &audit);

} // namespace cxr
