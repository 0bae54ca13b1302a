// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <string>

#include "audit/dataset_audit.h"

namespace cxr {

// The audit as one self-contained HTML file (report/html_page.h): at the top
// what was checked and what was found, then each copy group with its images
// side by side, patients in several splits, the shortcut scores with each
// class's image properties, and the images unlike the rest, as thumbnails.
// At most `maxGroups` copy groups and outliers are drawn (all are counted).
std::string
auditReportHtml(const DatasetIndex &index, const DatasetAudit &audit, std::size_t maxGroups = 60);

void writeAuditReport(const DatasetIndex &index,
                      const DatasetAudit &audit,
                      const std::filesystem::path &out);

} // namespace cxr
