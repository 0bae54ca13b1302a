// SPDX-License-Identifier: MIT
// `cxr audit` end to end: a copy of the sample with a training film copied
// into test, the JSON scripts read, the HTML report, the exclusions file
// and a training run that leaves the copy out.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "e2e/cli_runner.h"
#include "support/test_support.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;

TEST(CliAudit, FindsALeakedCopyAndTrainingLeavesItOut) {
    CXR_REQUIRE_SHARED_DATA("cxr-sample");
    test::TempDir dir;
    const fs::path data = dir / "data";
    fs::copy(test::sharedData() / "cxr-sample", data, fs::copy_options::recursive);
    fs::path original;
    for (const auto &entry : fs::directory_iterator(data / "train/COVID19"))
        if (original.empty() || entry.path() < original)
            original = entry.path();
    fs::copy_file(original, data / "test/COVID19/leaked-copy.png");

    const fs::path exclusions = dir / "exclusions.txt", report = dir / "audit.html";
    const test::CliResult audited = test::runCli({"audit",
                                                  data.string(),
                                                  "--no-cache",
                                                  "--json",
                                                  "--write-exclusions",
                                                  exclusions.string(),
                                                  "--report",
                                                  report.string()});
    ASSERT_EQ(audited.exitCode, 0) << audited.err;
    const auto json = nlohmann::json::parse(audited.out);
    EXPECT_EQ(json["images"], 161);
    ASSERT_EQ(json["duplicates"].size(), 1u) << json["duplicates"].dump();
    const auto &group = json["duplicates"][0];
    EXPECT_EQ(group["kind"], "exact");
    EXPECT_TRUE(group["across_splits"].get<bool>());
    EXPECT_FALSE(group["conflicting_labels"].get<bool>());
    EXPECT_EQ(group["files"].size(), 2u);
    EXPECT_TRUE(json["patients_in_several_splits"].is_array());
    EXPECT_TRUE(json["outliers"].is_array());
    const auto &shortcut = json["shortcut"];
    EXPECT_DOUBLE_EQ(shortcut["chance"].get<double>(), 0.25);
    EXPECT_GT(shortcut["balanced_accuracy"].get<double>(), 0.0);
    EXPECT_FALSE(shortcut["features"].empty());
    ASSERT_EQ(json["classes"].size(), 4u);
    // The sample's Kermany NORMAL films mostly carry a laterality letter.
    for (const auto &c : json["classes"]) {
        if (c["class"] == "NORMAL") {
            EXPECT_GT(c["text_mark_share"].get<double>(), 0.5) << c.dump();
        }
    }

    const std::string list = test::readFile(exclusions);
    EXPECT_NE(list.find("\ntest/COVID19/leaked-copy.png\n"), std::string::npos) << list;
    EXPECT_EQ(list.find("train/COVID19/"), std::string::npos) << list;
    const std::string html = test::readFile(report);
    for (const char *id : {"summary", "duplicates", "patients", "shortcuts", "outliers"})
        EXPECT_NE(html.find(std::string("<section id='") + id + "'"), std::string::npos) << id;
    EXPECT_GE(test::countOf(html, "src='data:image/jpeg;base64,"), 2u);
    EXPECT_NE(html.find("Text-like marks counted (in red)"), std::string::npos);
    EXPECT_NE(html.find("not for clinical use"), std::string::npos);

    const fs::path run = dir / "run";
    const test::CliResult trained = test::runCli({"train",
                                                  data.string(),
                                                  "--out",
                                                  run.string(),
                                                  "--exclude",
                                                  exclusions.string(),
                                                  "--init",
                                                  "scratch",
                                                  "--epochs",
                                                  "1",
                                                  "--image-size",
                                                  "32",
                                                  "--batch-size",
                                                  "16"});
    ASSERT_EQ(trained.exitCode, 0) << trained.err << trained.out;
    const auto config = nlohmann::json::parse(test::readFile(run / "config.json"));
    EXPECT_EQ(config["excluded"], nlohmann::json::array({"test/COVID19/leaked-copy.png"}));
    const auto dataset = nlohmann::json::parse(test::readFile(run / "dataset.json"));
    EXPECT_EQ(dataset["images"]["test"]["COVID19"], 10);
    EXPECT_NE(test::readFile(run / "log.txt").find("left out 1 images of the 1 listed"),
              std::string::npos);

    const test::CliResult missing = test::runCli({"audit", (dir / "nothing").string()});
    EXPECT_NE(missing.exitCode, 0);
    EXPECT_NE(missing.err.find("nothing"), std::string::npos) << missing.err;
    const test::CliResult badList = test::runCli({"train",
                                                  data.string(),
                                                  "--out",
                                                  (dir / "run2").string(),
                                                  "--exclude",
                                                  (dir / "no-list.txt").string()});
    EXPECT_EQ(badList.exitCode, 1);
    EXPECT_NE(badList.err.find("no-list.txt"), std::string::npos) << badList.err;
}

} // namespace
} // namespace cxr
