// SPDX-License-Identifier: MIT
#include "train/run_directory.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "atomic_file.h"
#include "data/csv_reader.h"
#include "errors.h"
#include "eval/metrics_json.h"

namespace cxr {
namespace fs = std::filesystem;
namespace {

std::string readWhole(const fs::path &file) {
    std::ifstream in(file, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

// The complete lines of a file being appended to: a last line without its
// newline is a row still being written (or torn by a kill) and is left out.
std::vector<std::string> completeLines(const std::string &text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        if (end == std::string::npos)
            break;
        std::string line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        lines.push_back(std::move(line));
        start = end + 1;
    }
    return lines;
}

std::optional<double> number(const std::string &text) {
    try {
        std::size_t used = 0;
        const double value = std::stod(text, &used);
        if (used == text.size())
            return value;
    } catch (const std::exception &) {
    }
    return std::nullopt;
}

std::optional<MetricsRow> parseMetricsRow(const std::map<std::string, std::size_t> &column,
                                          const std::vector<std::string> &fields) {
    auto field = [&](const char *name) -> const std::string * {
        const auto it = column.find(name);
        return it == column.end() || it->second >= fields.size() ? nullptr : &fields[it->second];
    };
    MetricsRow row;
    const std::string *epoch = field("epoch"), *split = field("split");
    if (!epoch || !split)
        return std::nullopt;
    const auto epochValue = number(*epoch);
    if (!epochValue || *epochValue < 1)
        return std::nullopt;
    row.epoch = static_cast<int>(*epochValue);
    row.split = *split;
    const std::pair<const char *, double *> values[] = {
        {"loss", &row.loss},
        {"accuracy", &row.accuracy},
        {"balanced_accuracy", &row.balancedAccuracy},
        {"macro_f1", &row.macroF1},
        {"lr", &row.learningRate},
        {"seconds", &row.seconds}};
    for (const auto &[name, target] : values) {
        const std::string *text = field(name);
        const auto value = text ? number(*text) : std::nullopt;
        if (!value)
            return std::nullopt;
        *target = *value;
    }
    return row;
}

std::string metricsHeader() {
    std::string header;
    for (const std::string &name : RunDirectory::metricsColumns())
        header += (header.empty() ? "" : ",") + name;
    return header;
}

} // namespace

RunFolderInUse::RunFolderInUse(const fs::path &dir)
    : Error("the run folder \"" + dir.string() +
            "\" is not empty (it may hold another run): resume that run, or choose a new folder"),
      m_dir(dir) {}

const std::vector<std::string> &RunDirectory::metricsColumns() {
    static const std::vector<std::string> columns = {
        "epoch", "split", "loss", "accuracy", "balanced_accuracy", "macro_f1", "lr", "seconds"};
    return columns;
}

RunDirectory RunDirectory::create(const fs::path &dir, const TrainConfig &config) {
    std::error_code error;
    if (fs::exists(dir, error) && !fs::is_empty(dir, error))
        throw RunFolderInUse(dir);
    fs::create_directories(dir, error);
    if (error)
        throw Error("cannot create the run folder \"" + dir.string() + "\": " + error.message());
    writeFileAtomically(dir / "config.json", toJson(config).dump(2) + "\n");
    writeFileAtomically(dir / "metrics.csv", metricsHeader() + "\n");
    return RunDirectory(dir, config);
}

RunDirectory RunDirectory::open(const fs::path &dir) { return RunDirectory(dir, readConfig(dir)); }

bool RunDirectory::isRun(const fs::path &dir) {
    std::error_code error;
    return fs::is_regular_file(dir / "config.json", error);
}

TrainConfig RunDirectory::readConfig(const fs::path &dir) {
    const fs::path file = dir / "config.json";
    std::ifstream in(file);
    if (!in)
        throw Error("\"" + dir.string() + "\" is not a run folder (it has no config.json)");
    try {
        return configFromJson(nlohmann::json::parse(in));
    } catch (const nlohmann::json::exception &e) {
        throw Error("\"" + file.string() + "\" is not valid JSON: " + e.what());
    } catch (const Error &e) {
        throw Error("\"" + file.string() + "\": " + e.what());
    }
}

std::vector<MetricsRow> RunDirectory::readMetrics(const fs::path &dir) {
    const std::vector<std::string> lines = completeLines(readWhole(dir / "metrics.csv"));
    std::vector<MetricsRow> rows;
    if (lines.empty())
        return rows;
    std::map<std::string, std::size_t> column;
    std::string text;
    for (const std::string &line : lines)
        text += line + "\n";
    const std::vector<CsvRow> records = parseCsv(text, dir / "metrics.csv");
    if (records.empty())
        return rows;
    for (std::size_t c = 0; c < records.front().fields.size(); ++c)
        column[records.front().fields[c]] = c;
    for (std::size_t r = 1; r < records.size(); ++r)
        if (auto row = parseMetricsRow(column, records[r].fields))
            rows.push_back(std::move(*row));
    return rows;
}

std::optional<ConfusionTable> RunDirectory::readConfusion(const fs::path &dir,
                                                          const std::string &split) {
    const fs::path file = dir / ("confusion_" + split + ".csv");
    std::error_code error;
    if (!fs::is_regular_file(file, error))
        return std::nullopt;
    const std::vector<CsvRow> records = readCsv(file);
    if (records.empty() || records.front().fields.size() < 2)
        return std::nullopt;
    ConfusionTable table;
    table.classes.assign(records.front().fields.begin() + 1, records.front().fields.end());
    const std::size_t k = table.classes.size();
    for (std::size_t r = 1; r < records.size(); ++r) {
        const auto &fields = records[r].fields;
        if (fields.size() != k + 1)
            return std::nullopt;
        std::vector<std::size_t> counts;
        for (std::size_t c = 1; c <= k; ++c) {
            const auto value = number(fields[c]);
            if (!value || *value < 0)
                return std::nullopt;
            counts.push_back(static_cast<std::size_t>(*value));
        }
        table.counts.push_back(std::move(counts));
    }
    if (table.counts.size() != k)
        return std::nullopt;
    return table;
}

std::optional<nlohmann::json> RunDirectory::readSummary(const fs::path &dir) {
    std::ifstream in(dir / "summary.json");
    if (!in)
        return std::nullopt;
    nlohmann::json summary = nlohmann::json::parse(in, nullptr, false);
    if (summary.is_discarded() || !summary.is_object())
        return std::nullopt;
    return summary;
}

void RunDirectory::dropMetricsFrom(int firstEpochToRedo) const {
    const std::vector<std::string> lines = completeLines(readWhole(m_dir / "metrics.csv"));
    std::string kept = metricsHeader() + "\n";
    if (!lines.empty() && lines.front() == metricsHeader())
        for (std::size_t i = 1; i < lines.size(); ++i) {
            const int epoch = std::atoi(lines[i].c_str());
            if (epoch >= 1 && epoch < firstEpochToRedo)
                kept += lines[i] + "\n";
        }
    writeFileAtomically(m_dir / "metrics.csv", kept);
}

void RunDirectory::append(const std::string &file, const std::string &text) const {
    // One write() of the whole row with O_APPEND: a kill leaves either the
    // row or a torn tail that readers skip, never two rows interleaved.
    const fs::path path = m_dir / file;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        throw Error("could not write \"" + path.string() + "\": " + std::strerror(errno));
    const ssize_t n = ::write(fd, text.data(), text.size());
    const int error = errno;
    ::close(fd);
    if (n != static_cast<ssize_t>(text.size()))
        throw Error("could not write \"" + path.string() +
                    "\": " + (n < 0 ? std::strerror(error) : "disk full?"));
}

void RunDirectory::appendMetrics(
    int epoch, const std::string &split, const Metrics &m, double lr, double seconds) const {
    std::ostringstream row;
    row << epoch << ',' << split << ',' << std::setprecision(6) << m.loss << ',' << m.accuracy
        << ',' << m.balancedAccuracy << ',' << m.macroF1 << ',' << lr << ',' << std::fixed
        << std::setprecision(2) << seconds << '\n';
    append("metrics.csv", row.str());
}

void RunDirectory::writeConfusion(const std::string &split,
                                  const std::vector<std::string> &classes,
                                  const Metrics &m) const {
    std::ostringstream csv;
    csv << "true\\predicted";
    for (const auto &c : classes)
        csv << ',' << c;
    csv << '\n';
    for (std::size_t t = 0; t < classes.size(); ++t) {
        csv << classes[t];
        for (std::size_t p = 0; p < classes.size(); ++p)
            csv << ',' << m.confusion[t][p];
        csv << '\n';
    }
    writeFileAtomically(m_dir / ("confusion_" + split + ".csv"), csv.str());
}

void RunDirectory::writeSummary(const RunSummary &s) const {
    nlohmann::json summary = {
        {"classes", s.classes},
        {"epochs_run", s.epochsRun},
        {"best_epoch", s.bestEpoch},
        {"early_stopped", s.earlyStopped},
        {"images", {{"train", s.trainImages}, {"val", s.valImages}, {"test", s.testImages}}},
        {"test", metricsJson(s.classes, s.test, s.testIntervals)}};
    if (s.calibration) {
        summary["calibration"] = {{"temperature", s.calibration->temperature},
                                  {"fitted_on", s.calibration->fittedOn},
                                  {"val_ece", s.calibration->eceBefore},
                                  {"val_ece_calibrated", s.calibration->eceAfter},
                                  {"test_ece", s.testEce},
                                  {"test_ece_calibrated", s.testEceCalibrated}};
    }
    if (s.gate)
        summary["ood_gate"] = {{"train_images", s.gate->trainImages},
                               {"components", s.gate->components},
                               {"threshold", s.gate->threshold},
                               {"threshold_from", s.gate->thresholdFrom},
                               {"test_flagged", s.gate->testFlagged},
                               {"views", s.gate->views}};
    if (!s.testCurves.empty())
        summary["test_curves"] = curvesJson(s.classes, s.testCurves);
    if (!s.testReliability.empty()) {
        summary["test_reliability"] = {{"bins", reliabilityJson(s.testReliability)}};
        if (!s.testReliabilityUncalibrated.empty())
            summary["test_reliability"]["uncalibrated_bins"] =
                reliabilityJson(s.testReliabilityUncalibrated);
    }
    summary["seconds"] = {{"total", s.seconds.total},
                          {"setup", s.seconds.setup},
                          {"training_steps", s.seconds.steps},
                          {"waiting_for_images", s.seconds.loading},
                          {"validation", s.seconds.validation},
                          {"checkpoints", s.seconds.checkpoints},
                          {"test_calibration_gate", s.seconds.finish}};
    if (!s.operatingPoints.empty())
        summary["operating_points"] =
            operatingPointsJson(s.operatingPoints, s.testAtOperatingPoints);
    writeFileAtomically(m_dir / "summary.json", summary.dump(2) + "\n");
}

void RunDirectory::log(const std::string &line) const {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm local{};
    localtime_r(&now, &local);
    std::ostringstream entry;
    entry << std::put_time(&local, "%Y-%m-%d %H:%M:%S") << "  " << line << '\n';
    try {
        append("log.txt", entry.str());
    } catch (const Error &) {
        // The log is a convenience: a full disk shows up in the checkpoint
        // and metrics writes, which do fail the run.
    }
}

} // namespace cxr
