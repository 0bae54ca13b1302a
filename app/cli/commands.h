// SPDX-License-Identifier: MIT
#pragma once

#include <CLI/CLI.hpp>

namespace cxr::cli {

// Each verb registers itself on the top-level app. Its callback stores the
// process exit code in `exitCode` (0 success, 1 failure, 3 partial: some
// items failed but the rest were done) instead of calling exit(), so that
// destructors run and files are closed.
void addStatsCommand(CLI::App &app, int &exitCode);
void addAuditCommand(CLI::App &app, int &exitCode);
void addPhantomsCommand(CLI::App &app, int &exitCode);
void addImportWeightsCommand(CLI::App &app, int &exitCode);
void addPredictCommand(CLI::App &app, int &exitCode);
void addTrainCommand(CLI::App &app, int &exitCode);
void addEvalCommand(CLI::App &app, int &exitCode);
void addCalibrateCommand(CLI::App &app, int &exitCode);
void addReproduceCommand(CLI::App &app, int &exitCode);
void addExplainCommand(CLI::App &app, int &exitCode);
void addBenchCommand(CLI::App &app, int &exitCode);
void addReportCommand(CLI::App &app, int &exitCode);

} // namespace cxr::cli
