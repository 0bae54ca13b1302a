// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace cxr::cli {

// A one-line progress bar on stderr ("scanning  [#####     ] 120/400"),
// redrawn at most ten times a second, shown only when stderr is a terminal
// so that logs and pipes stay clean. Not thread-safe: feed it from one
// thread at a time (core's ProgressFn already serialises calls).
class ProgressLine {
  public:
    explicit ProgressLine(std::string label);
    ~ProgressLine(); // ends the line if anything was drawn
    // Draws the bar, with `detail` after the counts.
    void update(std::size_t done, std::size_t total, const std::string &detail = {});
    // Ends the current line so the next output starts on a fresh one.
    void finish();

  private:
    std::string m_label;
    bool m_enabled;
    bool m_drawn = false;
    std::chrono::steady_clock::time_point m_last{};
};

} // namespace cxr::cli
