// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "train/metrics.h"

namespace cxr {

// The folder one training run writes:
//   config.json            everything needed to rerun (written first)
//   metrics.csv            one row per epoch and split, appended as epochs end
//   confusion_<split>.csv  confusion matrices of the best epoch (test: final)
//   best.pt, last.pt       checkpoints (written atomically by the trainer)
//   summary.json           final test metrics with 95% intervals
//   log.txt                what the run said, appended
// Rows are appended with one write and flushed, so a killed run keeps every
// finished epoch; opening for resume drops a torn last line.
class RunDirectory {
  public:
    static constexpr const char *kMetricsHeader =
        "epoch,split,loss,accuracy,balanced_accuracy,macro_f1,lr,seconds";

    // A new run: `dir` must not exist or be empty. Throws Error otherwise
    // ("holds another run; use --resume or another folder"), or when it
    // cannot be created or written.
    static RunDirectory create(const std::filesystem::path &dir, const nlohmann::json &config);

    // An existing run: `dir` must hold config.json. Rows of metrics.csv for
    // epochs >= firstEpochToRedo (1-based) and any torn line are removed.
    static RunDirectory resume(const std::filesystem::path &dir, int firstEpochToRedo);

    // The config.json of a run folder. Throws Error when absent or invalid.
    static nlohmann::json readConfig(const std::filesystem::path &dir);

    const std::filesystem::path &path() const { return m_dir; }
    std::filesystem::path lastCheckpoint() const { return m_dir / "last.pt"; }
    std::filesystem::path bestCheckpoint() const { return m_dir / "best.pt"; }

    void appendMetrics(int epoch,
                       const std::string &split,
                       const Metrics &metrics,
                       double lr,
                       double seconds) const;
    void writeConfusion(const std::string &split,
                        const std::vector<std::string> &classes,
                        const Metrics &metrics) const;
    void writeSummary(const nlohmann::json &summary) const;
    void log(const std::string &line) const;

  private:
    explicit RunDirectory(std::filesystem::path dir) : m_dir(std::move(dir)) {}
    void append(const std::string &file, const std::string &text) const;
    std::filesystem::path m_dir;
};

} // namespace cxr
