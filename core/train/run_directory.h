// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "errors.h"
#include "eval/metrics.h"
#include "train/train_config.h"
#include "train/train_events.h"

namespace cxr {

// A new run was asked for in a folder that is not empty. Front ends say how
// to continue the run that may be there (--resume, the Resume button).
class RunFolderInUse : public Error {
  public:
    explicit RunFolderInUse(const std::filesystem::path &dir);
    const std::filesystem::path &folder() const { return m_dir; }

  private:
    std::filesystem::path m_dir;
};

// One row of metrics.csv: an epoch's metrics on one split.
struct MetricsRow {
    int epoch = 0; // 1-based
    std::string split;
    double loss = 0, accuracy = 0, balancedAccuracy = 0, macroF1 = 0;
    double learningRate = 0;
    double seconds = 0;
};

// A confusion matrix as written to confusion_<split>.csv.
struct ConfusionTable {
    std::vector<std::string> classes;
    std::vector<std::vector<std::size_t>> counts; // [true][predicted]
};

// dataset.json: the dataset a run was started on, so that a report can go
// back to its images and a reader can tell whether two runs saw the same data.
struct RunDataset {
    std::filesystem::path root; // absolute
    std::string layout;         // layoutName()
    // SHA-256 (hex) of the sorted list of every image's path relative to the
    // root, class, split and size in pixels: equal for the same files
    // wherever the dataset lies; any added, removed or relabelled image
    // changes it.
    std::string fingerprint;
    std::size_t rejected = 0;         // files the scan could not use
    std::vector<std::string> classes; // the run's classes (its task's)
    // Images the run used per split and class, splits train, val, test (the
    // run's own split: carved validation images are counted under val).
    std::vector<std::vector<std::size_t>> counts;
};

// One row of test_predictions.csv: a test image and what the best model
// gave it (calibrated when the run fitted a temperature).
struct TestPrediction {
    std::string file; // relative to the dataset root
    int label = 0;    // index into the run's classes
    std::vector<float> probabilities;
    int predicted() const; // arg-max
};

// The folder one training run writes, and the only code that knows its
// format, in both directions:
//   config.json            the TrainConfig (written first; resume reads it back)
//   metrics.csv            one row per epoch and split, appended as epochs end
//   confusion_<split>.csv  confusion matrices of the best epoch (test: final)
//   best.pt, last.pt       checkpoints (written atomically by the trainer)
//   dataset.json           the dataset: path, fingerprint, counts (RunDataset)
//   summary.json           final test metrics with 95% intervals
//   test_predictions.csv   each test image's label and probabilities
//   log.txt                what the run said, appended
// Rows are appended with one write and flushed, so a killed run keeps every
// finished epoch, and a reader (a GUI following the run from another
// process) sees whole rows: a torn last line is ignored by every reader and
// dropped on resume. Writing methods are for the one process that trains;
// the static readers may run anywhere, any time.
class RunDirectory {
  public:
    // The columns of metrics.csv, in the order they are written. Readers
    // find columns by name, so a column added later breaks no reader.
    static const std::vector<std::string> &metricsColumns();

    // A new run: `dir` must not exist or be empty. Throws RunFolderInUse
    // otherwise, or Error when it cannot be created or written.
    static RunDirectory create(const std::filesystem::path &dir, const TrainConfig &config);

    // An existing run, with the configuration it was started with. Throws
    // Error when `dir` holds no run or its config.json is invalid.
    static RunDirectory open(const std::filesystem::path &dir);

    // The config.json of a run folder. Throws Error when absent or invalid.
    static TrainConfig readConfig(const std::filesystem::path &dir);
    static bool isRun(const std::filesystem::path &dir);

    // The rows of metrics.csv, by column name; a torn last line and rows
    // that do not parse are skipped. Empty when the file is absent.
    static std::vector<MetricsRow> readMetrics(const std::filesystem::path &dir);
    static std::optional<ConfusionTable> readConfusion(const std::filesystem::path &dir,
                                                       const std::string &split);
    // summary.json, or nullopt while the run has not finished.
    static std::optional<nlohmann::json> readSummary(const std::filesystem::path &dir);
    // dataset.json, or nullopt when absent or invalid (runs written before
    // the file existed).
    static std::optional<RunDataset> readDataset(const std::filesystem::path &dir);
    // test_predictions.csv with its classes (the columns after `predicted`);
    // rows that do not parse are skipped. Empty when absent.
    static std::vector<TestPrediction> readTestPredictions(const std::filesystem::path &dir,
                                                           std::vector<std::string> *classes);

    const std::filesystem::path &path() const { return m_dir; }
    const TrainConfig &config() const { return m_config; }
    std::filesystem::path lastCheckpoint() const { return m_dir / "last.pt"; }
    std::filesystem::path bestCheckpoint() const { return m_dir / "best.pt"; }

    // Keeps the rows of epochs before `firstEpochToRedo` (1-based) and drops
    // the rest and any torn line, for a resumed run that redoes that epoch.
    void dropMetricsFrom(int firstEpochToRedo) const;
    void appendMetrics(int epoch,
                       const std::string &split,
                       const Metrics &metrics,
                       double lr,
                       double seconds) const;
    void writeConfusion(const std::string &split,
                        const std::vector<std::string> &classes,
                        const Metrics &metrics) const;
    void writeSummary(const RunSummary &summary) const;
    void writeDataset(const RunDataset &dataset) const;
    void writeTestPredictions(const std::vector<std::string> &classes,
                              const std::vector<TestPrediction> &rows) const;
    void log(const std::string &line) const;

  private:
    RunDirectory(std::filesystem::path dir, TrainConfig config)
        : m_dir(std::move(dir)), m_config(std::move(config)) {}
    void append(const std::string &file, const std::string &text) const;
    std::filesystem::path m_dir;
    TrainConfig m_config;
};

} // namespace cxr
