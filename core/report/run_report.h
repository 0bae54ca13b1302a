// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "progress.h"

namespace cxr {

// One self-contained HTML file describing a training run, for a paper's
// supplement or a colleague: configuration, dataset fingerprint and counts,
// curves over epochs, test metrics with intervals, confusion matrix, ROC,
// precision-recall and reliability plots, operating points, the
// out-of-distribution gate and Grad-CAM overlays of correct and wrong test
// images, under the research-use notice. Everything comes from the run
// folder (train/run_directory.h) and, for the overlays, from best.pt and
// the dataset's images; what is missing (an unfinished run, a dataset that
// moved) is said in the report, not fatal.
struct RunReportOptions {
    std::filesystem::path run;
    // Where the dataset's images are now, when not where dataset.json says.
    std::optional<std::filesystem::path> dataset;
    int examples = 3;      // Grad-CAM overlays of correct and of wrong test images, each
    std::string generator; // "cxr 0.4.0": who wrote the report, in its footer
    ProgressFn progress;   // over the overlays
    const CancelToken *cancel = nullptr;
};

// The report's sections, by id, in order (tests check that each is there).
const std::vector<std::string> &runReportSections();

// The HTML text. Throws Error when `options.run` is not a run folder.
std::string runReportHtml(const RunReportOptions &options);

// Writes the report to `out` (atomically). Throws Error as above or when
// `out` cannot be written.
void writeRunReport(const RunReportOptions &options, const std::filesystem::path &out);

} // namespace cxr
