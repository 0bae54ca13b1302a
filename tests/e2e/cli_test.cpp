// SPDX-License-Identifier: MIT
// Runs the real `cxr` binary as a user would and checks its output.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "e2e/cli_runner.h"
#include "support/test_support.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;

using test::runCli;
using Result = test::CliResult;

TEST(CliStats, JsonOnTheRealSample) {
    CXR_REQUIRE_SHARED_DATA("cxr-sample");
    const Result r = runCli({"stats", (test::sharedData() / "cxr-sample").string(), "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto json = nlohmann::json::parse(r.out);
    EXPECT_EQ(json["layout"], "class-folders");
    EXPECT_EQ(json["classes"], nlohmann::json({"NORMAL", "BACTERIA", "VIRUS", "COVID19"}));
    EXPECT_EQ(json["counts"]["train"]["COVID19"], 30);
    EXPECT_EQ(json["counts"]["test"]["NORMAL"], 10);
    EXPECT_TRUE(json["rejected"].empty());
}

TEST(CliStats, TextTableAndRejectsOnPhantoms) {
    test::TempDir dir;
    const fs::path demo = dir / "demo";
    const Result made = runCli(
        {"phantoms", "--out", demo.string(), "--per-class", "4", "--size", "64", "--seed", "3"});
    ASSERT_EQ(made.exitCode, 0) << made.err;
    EXPECT_NE(made.out.find("wrote 20 synthetic images"), std::string::npos) << made.out;
    test::writeFile(demo / "train/VIRUS/broken.png", "not a png");

    const Result r = runCli({"stats", demo.string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("layout:  class-folders"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("20 images usable, 1 rejected"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("broken.png"), std::string::npos) << r.out;

    const Result json = runCli({"stats", demo.string(), "--json", "--histograms"});
    ASSERT_EQ(json.exitCode, 0) << json.err;
    const auto parsed = nlohmann::json::parse(json.out);
    EXPECT_EQ(parsed["counts"]["train"]["VIRUS"], 4);
    EXPECT_EQ(parsed["rejected"].size(), 1u);
    EXPECT_EQ(parsed["rejected"][0]["path"].get<std::string>().find("broken.png") !=
                  std::string::npos,
              true);
    EXPECT_EQ(parsed["histograms"]["NORMAL"]["mean"].size(), 256u);
    EXPECT_EQ(parsed["histograms"]["NORMAL"]["images"], 5);
}

TEST(CliStats, NotADatasetFailsWithAMessage) {
    test::TempDir dir;
    test::writeFile(dir / "notes.txt", "nothing");
    const Result r = runCli({"stats", dir.path().string()});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("not a dataset"), std::string::npos) << r.err;
    const Result missing = runCli({"stats", (dir / "absent").string()});
    EXPECT_EQ(missing.exitCode, 1);
    EXPECT_NE(missing.err.find("no such file or folder"), std::string::npos) << missing.err;
}

TEST(CliPhantoms, RefusesToOverwriteUserData) {
    test::TempDir dir;
    test::writeFile(dir / "mine/keep.txt", "keep me");
    const Result r = runCli({"phantoms", "--out", (dir / "mine").string(), "--per-class", "1"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("not empty"), std::string::npos) << r.err;
    EXPECT_EQ(test::readFile(dir / "mine/keep.txt"), "keep me");
}

TEST(Cli, UsageErrorsAreNotCrashes) {
    EXPECT_NE(runCli({}).exitCode, 0);
    EXPECT_NE(runCli({"frobnicate"}).exitCode, 0);
    const Result version = runCli({"--version"});
    EXPECT_EQ(version.exitCode, 0);
    EXPECT_NE(version.out.find("cxr"), std::string::npos);
}

} // namespace
} // namespace cxr
