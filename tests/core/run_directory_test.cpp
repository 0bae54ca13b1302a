// SPDX-License-Identifier: MIT
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "errors.h"
#include "support/test_support.h"
#include "train/run_catalog.h"
#include "train/run_directory.h"
#include "train/training_data.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;

Metrics someMetrics(double accuracy) {
    Metrics m;
    m.loss = 0.5;
    m.accuracy = accuracy;
    m.balancedAccuracy = accuracy / 2;
    m.macroF1 = 0.25;
    m.confusion = {{3, 1}, {0, 2}};
    return m;
}

TEST(RunDirectory, WritesAndReadsBackItsOwnFiles) {
    test::TempDir dir;
    TrainConfig config;
    config.seed = 77;
    config.epochs = 3;
    const RunDirectory run = RunDirectory::create(dir / "run", config);
    run.appendMetrics(1, "train", someMetrics(0.5), 1e-3, 12.5);
    run.appendMetrics(1, "val", someMetrics(0.75), 1e-3, 12.5);
    run.writeConfusion("val", {"A", "B"}, someMetrics(0.75));

    EXPECT_TRUE(RunDirectory::isRun(dir / "run"));
    EXPECT_EQ(RunDirectory::readConfig(dir / "run").seed, 77u);
    EXPECT_EQ(RunDirectory::open(dir / "run").config().epochs, 3);
    const std::vector<MetricsRow> rows = RunDirectory::readMetrics(dir / "run");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[1].epoch, 1);
    EXPECT_EQ(rows[1].split, "val");
    EXPECT_DOUBLE_EQ(rows[1].accuracy, 0.75);
    EXPECT_DOUBLE_EQ(rows[1].balancedAccuracy, 0.375);
    EXPECT_DOUBLE_EQ(rows[1].learningRate, 1e-3);
    EXPECT_DOUBLE_EQ(rows[1].seconds, 12.5);
    const auto confusion = RunDirectory::readConfusion(dir / "run", "val");
    ASSERT_TRUE(confusion.has_value());
    EXPECT_EQ(confusion->classes, (std::vector<std::string>{"A", "B"}));
    EXPECT_EQ(confusion->counts, (std::vector<std::vector<std::size_t>>{{3, 1}, {0, 2}}));
    EXPECT_FALSE(RunDirectory::readConfusion(dir / "run", "test").has_value());
    EXPECT_FALSE(RunDirectory::readSummary(dir / "run").has_value());
}

// Readers find columns by name: a file with reordered or extra columns, a
// row being written (no newline yet) and a garbled row still reads.
TEST(RunDirectory, ReadsMetricsByColumnNameAndSkipsTornRows) {
    test::TempDir dir;
    test::writeFile(dir / "metrics.csv",
                    "split,epoch,seconds,lr,macro_f1,balanced_accuracy,accuracy,loss,extra\n"
                    "train,1,3.5,0.001,0.2,0.3,0.4,1.5,x\n"
                    "val,1,3.5,0.001,0.1,0.2,0.25,1.7,y\n"
                    "val,not-a-number,1,1,1,1,1,1,z\n"
                    "train,2,3.4,0.001,0.3");
    const std::vector<MetricsRow> rows = RunDirectory::readMetrics(dir.path());
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].split, "train");
    EXPECT_DOUBLE_EQ(rows[0].loss, 1.5);
    EXPECT_DOUBLE_EQ(rows[0].accuracy, 0.4);
    EXPECT_DOUBLE_EQ(rows[1].balancedAccuracy, 0.2);
    EXPECT_TRUE(RunDirectory::readMetrics(dir / "absent").empty());
}

TEST(RunDirectory, ResumeDropsRedoneEpochsAndTheTornTail) {
    test::TempDir dir;
    const RunDirectory run = RunDirectory::create(dir / "run", TrainConfig{});
    for (int epoch = 1; epoch <= 3; ++epoch)
        run.appendMetrics(epoch, "train", someMetrics(0.5), 1e-3, 1);
    std::ofstream(dir / "run" / "metrics.csv", std::ios::app) << "4,tra";
    RunDirectory::open(dir / "run").dropMetricsFrom(3);
    const std::vector<MetricsRow> rows = RunDirectory::readMetrics(dir / "run");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows.back().epoch, 2);
    const std::string text = test::readFile(dir / "run" / "metrics.csv");
    EXPECT_EQ(text.back(), '\n');
}

TEST(RunDirectory, NeverTakesOverAnotherFolder) {
    test::TempDir dir;
    test::writeFile(dir / "taken" / "notes.txt", "mine");
    EXPECT_THROW(RunDirectory::create(dir / "taken", TrainConfig{}), Error);
    EXPECT_EQ(test::readFile(dir / "taken" / "notes.txt"), "mine");
    EXPECT_THROW(RunDirectory::open(dir / "taken"), Error);
    test::writeFile(dir / "bad" / "config.json", "{\"epochs\": -3}");
    try {
        RunDirectory::readConfig(dir / "bad");
        FAIL() << "expected Error";
    } catch (const Error &e) {
        EXPECT_NE(std::string(e.what()).find("config.json"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("epochs"), std::string::npos) << e.what();
    }
}

// The list of past runs: every run folder inside a folder, with its best
// validation score and, once finished, its test result; other folders and
// a run with a broken config.json are left out.
TEST(RunCatalog, ListsTheRunsOfAFolder) {
    test::TempDir dir;
    TrainConfig config;
    config.preset = "PRCW";
    const RunDirectory first = RunDirectory::create(dir / "a", config);
    first.appendMetrics(1, "val", someMetrics(0.5), 1e-3, 1);
    first.appendMetrics(2, "val", someMetrics(0.9), 1e-3, 1);
    first.appendMetrics(3, "val", someMetrics(0.7), 1e-3, 1);
    test::writeFile(dir / "a" / "summary.json",
                    R"({"test": {"accuracy": 0.8, "balanced_accuracy": 0.6}})");
    RunDirectory::create(dir / "b", TrainConfig{});
    fs::create_directories(dir / "not-a-run");
    fs::create_directories(dir / "broken");
    test::writeFile(dir / "broken" / "config.json", "{ not json");

    const std::vector<RunOverview> runs = listRuns(dir.path());
    ASSERT_EQ(runs.size(), 2u);
    const RunOverview &a = runs[0].dir.filename() == "a" ? runs[0] : runs[1];
    const RunOverview &b = runs[0].dir.filename() == "a" ? runs[1] : runs[0];
    EXPECT_EQ(a.config.preset, "PRCW");
    EXPECT_EQ(a.epochs, 3);
    EXPECT_DOUBLE_EQ(a.bestValBalanced, 0.45); // someMetrics halves the accuracy
    EXPECT_EQ(a.bestEpoch, 2);
    EXPECT_TRUE(a.finished);
    EXPECT_DOUBLE_EQ(a.testAccuracy, 0.8);
    EXPECT_DOUBLE_EQ(a.testBalanced, 0.6);
    EXPECT_FALSE(a.started.empty());
    EXPECT_EQ(b.epochs, 0);
    EXPECT_FALSE(b.finished);
    EXPECT_LT(b.bestValBalanced, 0);
    EXPECT_TRUE(listRuns(dir / "nowhere").empty());
}

// dataset.json and test_predictions.csv read back what was written; a file
// name with a comma and a quote survives the CSV.
TEST(RunDirectory, RecordsItsDatasetAndTestPredictions) {
    test::TempDir dir;
    const RunDirectory run = RunDirectory::create(dir / "run", TrainConfig{});
    EXPECT_FALSE(RunDirectory::readDataset(dir / "run").has_value());
    EXPECT_TRUE(RunDirectory::readTestPredictions(dir / "run", nullptr).empty());

    RunDataset dataset;
    dataset.root = "/data/x-rays";
    dataset.layout = "kermany";
    dataset.fingerprint = std::string(64, 'a');
    dataset.rejected = 2;
    dataset.classes = {"NORMAL", "PNEUMONIA"};
    dataset.counts = {{10, 20}, {1, 2}, {3, 4}};
    run.writeDataset(dataset);
    const auto back = RunDirectory::readDataset(dir / "run");
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->root, dataset.root);
    EXPECT_EQ(back->layout, "kermany");
    EXPECT_EQ(back->fingerprint, dataset.fingerprint);
    EXPECT_EQ(back->rejected, 2u);
    EXPECT_EQ(back->classes, dataset.classes);
    EXPECT_EQ(back->counts, dataset.counts);

    TestPrediction odd;
    odd.file = "test/NORMAL/a, \"b\".png";
    odd.label = 0;
    odd.probabilities = {0.25f, 0.75f};
    TestPrediction plain;
    plain.file = "test/PNEUMONIA/c.png";
    plain.label = 1;
    plain.probabilities = {0.125f, 0.875f};
    run.writeTestPredictions(dataset.classes, {odd, plain});
    std::vector<std::string> classes;
    const auto rows = RunDirectory::readTestPredictions(dir / "run", &classes);
    EXPECT_EQ(classes, dataset.classes);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].file, odd.file);
    EXPECT_EQ(rows[0].label, 0);
    EXPECT_EQ(rows[0].predicted(), 1);
    EXPECT_EQ(rows[1].probabilities, plain.probabilities);

    test::writeFile(dir / "run/dataset.json", "{\"path\": 3}");
    EXPECT_FALSE(RunDirectory::readDataset(dir / "run").has_value());
}

DatasetIndex twoImages(const fs::path &root) {
    DatasetIndex index;
    index.root = root;
    index.classes = {"NORMAL", "PNEUMONIA"};
    index.samples = {{root / "train/NORMAL/a.png", 0, Split::Train, "", 100, 80},
                     {root / "test/PNEUMONIA/b.png", 1, Split::Test, "", 90, 90}};
    return index;
}

// The fingerprint follows the files, labels, splits and sizes, not where
// the dataset lies or the order of the scan; a resumed run on other images
// is told so.
TEST(RunDirectory, TheDatasetFingerprintFollowsTheImagesNotTheirPlace) {
    const std::string base = datasetFingerprint(twoImages("/a"));
    EXPECT_EQ(base.size(), 64u);
    EXPECT_EQ(datasetFingerprint(twoImages("/elsewhere/b")), base);
    DatasetIndex reordered = twoImages("/a");
    std::swap(reordered.samples[0], reordered.samples[1]);
    EXPECT_EQ(datasetFingerprint(reordered), base);
    DatasetIndex relabelled = twoImages("/a");
    relabelled.samples[1].label = 0;
    EXPECT_NE(datasetFingerprint(relabelled), base);
    DatasetIndex resized = twoImages("/a");
    resized.samples[0].width = 101;
    EXPECT_NE(datasetFingerprint(resized), base);

    test::TempDir dir;
    const RunDirectory run = RunDirectory::create(dir / "run", TrainConfig{});
    EXPECT_FALSE(datasetChangeNote(dir / "run", twoImages("/a")).has_value());
    RunDataset recorded;
    recorded.root = "/a";
    recorded.fingerprint = base;
    run.writeDataset(recorded);
    EXPECT_FALSE(datasetChangeNote(dir / "run", twoImages("/b")).has_value());
    const auto note = datasetChangeNote(dir / "run", relabelled);
    ASSERT_TRUE(note.has_value());
    EXPECT_NE(note->find("differs from the one this run started on"), std::string::npos) << *note;
}

} // namespace
} // namespace cxr
