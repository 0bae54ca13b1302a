// SPDX-License-Identifier: MIT
// Runs the real `cxr` binary as a user would and checks its output.
#include <array>
#include <cstdio>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include "support/test_support.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;

struct Result {
    int exitCode = -1;
    std::string out; // stdout only; stderr goes to a file
    std::string err;
};

std::string quote(const std::string &arg) {
    std::string q = "'";
    for (char c : arg)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

Result runCli(const std::vector<std::string> &args) {
    test::TempDir scratch;
    std::string command = quote(CXR_CLI_PATH);
    for (const auto &arg : args)
        command += " " + quote(arg);
    command += " 2>" + quote((scratch / "stderr").string());
    Result result;
    FILE *pipe = popen(command.c_str(), "r");
    if (!pipe)
        return result;
    std::array<char, 4096> buffer{};
    std::size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
        result.out.append(buffer.data(), n);
    const int status = pclose(pipe);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.err = test::readFile(scratch / "stderr");
    return result;
}

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
