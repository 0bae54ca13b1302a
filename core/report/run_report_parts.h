// SPDX-License-Identifier: MIT
// The sections of the run report (report/run_report.h), shared by the files
// that write them. Internal to core/report.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/html_page.h"
#include "report/run_report.h"
#include "train/run_directory.h"
#include "train/train_config.h"

namespace cxr::report {

// Everything the run folder holds, read once.
struct RunRecord {
    std::filesystem::path folder;
    TrainConfig config;
    std::vector<MetricsRow> metrics;
    std::optional<nlohmann::json> summary; // absent until the run finishes
    std::optional<RunDataset> dataset;
    std::vector<TestPrediction> predictions;
    std::vector<std::string> classes;

    // summary[key] when the run finished and has it, else null.
    const nlohmann::json &summaryAt(const std::string &key) const;
};

// "0.853", or "n/a" for a null or non-number; an interval as "0.80-0.90".
std::string formatNumber(const nlohmann::json &value, int digits = 3);
std::string formatNumber(double value, int digits = 3);
std::string formatInterval(const nlohmann::json &interval);

void overviewSection(HtmlPage &page, const RunRecord &run);
void configurationSection(HtmlPage &page, const RunRecord &run);
void datasetSection(HtmlPage &page, const RunRecord &run);
void trainingSection(HtmlPage &page, const RunRecord &run);
void testMetricsSection(HtmlPage &page, const RunRecord &run);
void confusionSection(HtmlPage &page, const RunRecord &run);
void curvesSection(HtmlPage &page, const RunRecord &run);
void calibrationSection(HtmlPage &page, const RunRecord &run);
void operatingPointsSection(HtmlPage &page, const RunRecord &run);
void gateSection(HtmlPage &page, const RunRecord &run);
void examplesSection(HtmlPage &page, const RunRecord &run, const RunReportOptions &options);
void limitsSection(HtmlPage &page, const RunRecord &run);

} // namespace cxr::report
