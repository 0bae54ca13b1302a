// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace cxr::test {

// A program started in the background (fork + exec, no shell), with extra
// environment variables and its stdout and stderr in one log file. The
// child leads a process group of its own, so that a test can signal it and
// everything it started, as a terminal's Ctrl-C does. The destructor kills
// what is still running.
class ChildProcess {
  public:
    ChildProcess(const std::vector<std::string> &argv,
                 const std::vector<std::string> &environment, // "NAME=value"
                 const std::filesystem::path &log);
    ~ChildProcess();
    ChildProcess(const ChildProcess &) = delete;
    ChildProcess &operator=(const ChildProcess &) = delete;

    pid_t pid() const { return m_pid; }
    // The exit code (128 + signal for a signal), or nullopt when it is still
    // running after `timeout`.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    void signalGroup(int signal) const;

  private:
    pid_t m_pid = -1;
    std::optional<int> m_exit;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int freeLocalPort();

// Polls `file` until it contains `text`, at most `timeout`.
bool waitForText(const std::filesystem::path &file,
                 const std::string &text,
                 std::chrono::milliseconds timeout);

} // namespace cxr::test
