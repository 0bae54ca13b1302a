// SPDX-License-Identifier: MIT
#include "train/run_directory.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <sstream>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "atomic_file.h"
#include "errors.h"

namespace cxr {
namespace fs = std::filesystem;

RunDirectory RunDirectory::create(const fs::path &dir, const nlohmann::json &config) {
    std::error_code error;
    if (fs::exists(dir, error) && !fs::is_empty(dir, error))
        throw Error("the run folder \"" + dir.string() +
                    "\" is not empty (it may hold another run); pass --resume to continue a run, "
                    "or choose a new folder");
    fs::create_directories(dir, error);
    if (error)
        throw Error("cannot create the run folder \"" + dir.string() + "\": " + error.message());
    RunDirectory run(dir);
    writeFileAtomically(dir / "config.json", config.dump(2) + "\n");
    writeFileAtomically(dir / "metrics.csv", std::string(kMetricsHeader) + "\n");
    return run;
}

nlohmann::json RunDirectory::readConfig(const fs::path &dir) {
    std::ifstream in(dir / "config.json");
    if (!in)
        throw Error("\"" + dir.string() + "\" is not a run folder (it has no config.json)");
    try {
        return nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception &e) {
        throw Error("\"" + (dir / "config.json").string() + "\" is not valid JSON: " + e.what());
    }
}

RunDirectory RunDirectory::resume(const fs::path &dir, int firstEpochToRedo) {
    readConfig(dir);
    RunDirectory run(dir);
    // Keep the header and the complete rows of epochs already done.
    std::ifstream in(dir / "metrics.csv", std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    std::string kept = std::string(kMetricsHeader) + "\n";
    std::size_t start = text.find('\n');
    while (start != std::string::npos && start + 1 < text.size()) {
        const std::size_t end = text.find('\n', start + 1);
        if (end == std::string::npos)
            break; // a torn last line: the run was killed while writing it
        const std::string line = text.substr(start + 1, end - start - 1);
        const int epoch = std::atoi(line.c_str());
        const bool complete = std::count(line.begin(), line.end(), ',') == 7;
        if (complete && epoch >= 1 && epoch < firstEpochToRedo)
            kept += line + "\n";
        start = end;
    }
    writeFileAtomically(dir / "metrics.csv", kept);
    return run;
}

void RunDirectory::append(const std::string &file, const std::string &text) const {
    // One write() of the whole row with O_APPEND: a kill leaves either the
    // row or a torn tail that resume() drops, never two rows interleaved.
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

void RunDirectory::writeSummary(const nlohmann::json &summary) const {
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
