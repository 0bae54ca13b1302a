// SPDX-License-Identifier: MIT
// Crash safety: `cxr train` killed with SIGKILL at arbitrary moments (during
// a batch, while writing a checkpoint, while appending metrics) and resumed
// each time finishes with every file readable and metrics.csv whole: one
// row per epoch and split, none torn, none repeated.
#include <csignal>
#include <functional>
#include <iostream>
#include <map>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "data/csv_reader.h"
#include "e2e/cli_runner.h"
#include "support/test_support.h"
#include "weights/checkpoint.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;

// Starts `cxr` with args, waits until `armed` holds (polling), then kills it
// after `delay`. Returns whether it was still running then (false: it
// finished on its own).
bool runAndKill(const std::vector<std::string> &args,
                const std::function<bool()> &armed,
                std::chrono::milliseconds delay) {
    const pid_t child = fork();
    if (child == 0) {
        std::vector<char *> argv;
        std::string program = CXR_CLI_PATH;
        argv.push_back(program.data());
        std::vector<std::string> copies = args;
        for (auto &a : copies)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        execv(program.c_str(), argv.data());
        _exit(127);
    }
    int status = 0;
    while (!armed()) {
        if (waitpid(child, &status, WNOHANG) == child)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const auto deadline = std::chrono::steady_clock::now() + delay;
    while (std::chrono::steady_clock::now() < deadline) {
        if (waitpid(child, &status, WNOHANG) == child)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    return true;
}

TEST(CrashSafety, KilledRunsResumeToACompleteRun) {
    test::TempDir dir;
    ASSERT_EQ(test::runCli({"phantoms",
                            "--out",
                            (dir / "data").string(),
                            "--per-class",
                            "6",
                            "--test-per-class",
                            "1",
                            "--size",
                            "48"})
                  .exitCode,
              0);
    const fs::path run = dir / "run";
    const std::vector<std::string> fresh = {"train",
                                            (dir / "data").string(),
                                            "--out",
                                            run.string(),
                                            "--init",
                                            "scratch",
                                            "--epochs",
                                            "4",
                                            "--image-size",
                                            "32",
                                            "--batch-size",
                                            "8",
                                            "--val-fraction",
                                            "0.25"};
    std::vector<std::string> resume = {
        "train", (dir / "data").string(), "--out", run.string(), "--resume"};
    std::mt19937 random(7); // fixed kill points: a reproducible test
    std::uniform_int_distribution<int> delay(0, 2500);
    bool started = false;
    int kills = 0;
    for (int attempt = 0; attempt < 12; ++attempt) {
        // The first attempt is killed only once a checkpoint exists, so the
        // resume path is exercised however slow the machine is; later
        // attempts resume and are killed at random moments.
        const bool canResume = fs::exists(run / "last.pt");
        if (!canResume)
            fs::remove_all(run);
        const auto armed = [&run, canResume] { return canResume || fs::exists(run / "last.pt"); };
        const bool killed =
            runAndKill(canResume ? resume : fresh, armed, std::chrono::milliseconds(delay(random)));
        started = true;
        if (!killed)
            break;
        ++kills;
        // After every kill, whatever is on disk is whole.
        if (fs::exists(run / "last.pt")) {
            EXPECT_NO_THROW(loadCheckpoint(run / "last.pt")) << "after kill " << kills;
        }
    }
    ASSERT_TRUE(started);
    EXPECT_GT(kills, 0) << "no kill landed; the test did not test anything";
    std::cout << "[          ] killed the run " << kills << " times before it finished\n";
    // Finish the run normally, then check it.
    if (!fs::exists(run / "summary.json")) {
        const bool canResume = fs::exists(run / "last.pt");
        const test::CliResult done = test::runCli(canResume ? resume : fresh);
        ASSERT_EQ(done.exitCode, 0) << done.err;
    }
    EXPECT_TRUE(fs::exists(run / "summary.json"));
    EXPECT_NO_THROW(loadCheckpoint(run / "best.pt"));
    const auto rows = readCsv(run / "metrics.csv");
    std::map<std::pair<std::string, std::string>, int> seen;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        ASSERT_EQ(rows[i].fields.size(), 8u) << "torn row on line " << rows[i].line;
        ++seen[{rows[i].fields[0], rows[i].fields[1]}];
    }
    EXPECT_EQ(seen.size(), 8u); // 4 epochs x {train, val}
    for (const auto &[key, count] : seen)
        EXPECT_EQ(count, 1) << "epoch " << key.first << " " << key.second << " appears " << count
                            << " times";
}

} // namespace
} // namespace cxr
