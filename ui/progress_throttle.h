// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>

namespace cxr::ui {

// Decides which of a worker's progress reports reach the GUI thread: one
// every `interval` at most, and always the last (done == total). Reporting
// every image of a 6,000-image scan floods the GUI thread's event queue, and
// its timers and repaints wait behind the flood. Thread-safe.
class ProgressThrottle {
  public:
    explicit ProgressThrottle(std::chrono::milliseconds interval = std::chrono::milliseconds(40))
        : m_interval(interval) {}

    bool due(std::size_t done, std::size_t total) {
        const auto now = std::chrono::steady_clock::now().time_since_epoch();
        if (done >= total) {
            m_last.store(now.count());
            return true;
        }
        auto last = m_last.load();
        const auto step =
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(m_interval);
        if (now.count() - last < step.count())
            return false;
        return m_last.compare_exchange_strong(last, now.count());
    }

  private:
    std::chrono::milliseconds m_interval;
    std::atomic<std::chrono::steady_clock::rep> m_last{0};
};

} // namespace cxr::ui
