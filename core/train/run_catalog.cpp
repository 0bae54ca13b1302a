// SPDX-License-Identifier: MIT
#include "train/run_catalog.h"

#include <algorithm>
#include <chrono>
#include <ctime>

#include <nlohmann/json.hpp>

#include "train/run_directory.h"

namespace cxr {
namespace fs = std::filesystem;
namespace {

std::string formatTime(fs::file_time_type time) {
    const auto system = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
        time - fs::file_time_type::clock::now() + std::chrono::system_clock::now());
    const std::time_t t = std::chrono::system_clock::to_time_t(system);
    std::tm local{};
    localtime_r(&t, &local);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &local);
    return text;
}

RunOverview overviewOf(const fs::path &dir) {
    RunOverview run;
    run.dir = dir;
    run.config = RunDirectory::readConfig(dir);
    std::error_code error;
    const auto written = fs::last_write_time(dir / "config.json", error);
    if (!error)
        run.started = formatTime(written);
    for (const MetricsRow &row : RunDirectory::readMetrics(dir)) {
        run.epochs = std::max(run.epochs, row.epoch);
        if (row.split == "val" && row.balancedAccuracy > run.bestValBalanced) {
            run.bestValBalanced = row.balancedAccuracy;
            run.bestEpoch = row.epoch;
        }
    }
    if (const auto scores = readTestScores(dir)) {
        run.finished = true;
        run.testAccuracy = scores->accuracy;
        run.testBalanced = scores->balancedAccuracy;
    }
    return run;
}

} // namespace

std::optional<TestScores> readTestScores(const fs::path &dir) {
    try {
        const auto summary = RunDirectory::readSummary(dir);
        if (!summary)
            return std::nullopt;
        const nlohmann::json test = summary->value("test", nlohmann::json::object());
        return TestScores{test.value("accuracy", -1.0), test.value("balanced_accuracy", -1.0)};
    } catch (const std::exception &) {
        return std::nullopt; // a summary being written counts as not there yet
    }
}

std::vector<RunOverview> listRuns(const fs::path &folder) {
    std::vector<RunOverview> runs;
    std::error_code error;
    for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
        if (!it->is_directory(error) || !RunDirectory::isRun(it->path()))
            continue;
        try {
            runs.push_back(overviewOf(it->path()));
        } catch (const std::exception &) {
            // An unreadable config.json: not a run this list can show.
        }
    }
    std::sort(runs.begin(), runs.end(), [](const RunOverview &a, const RunOverview &b) {
        return a.started != b.started ? a.started > b.started : a.dir < b.dir;
    });
    return runs;
}

} // namespace cxr
