// SPDX-License-Identifier: MIT
#include "cli/progress_line.h"

#include <cstdio>

#include <unistd.h>

namespace cxr::cli {

ProgressLine::ProgressLine(std::string label)
    : m_label(std::move(label)), m_enabled(isatty(fileno(stderr)) != 0) {}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::finish() {
    if (m_drawn)
        std::fputs("\n", stderr);
    m_drawn = false;
}

void ProgressLine::update(std::size_t done, std::size_t total, const std::string &detail) {
    if (!m_enabled || total == 0)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (done < total && now - m_last < std::chrono::milliseconds(100))
        return;
    m_last = now;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(kWidth * done / total);
    std::fprintf(stderr,
                 "\r%-10s [%s%s] %zu/%zu  %s\033[K",
                 m_label.c_str(),
                 std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(kWidth - filled), ' ').c_str(),
                 done,
                 total,
                 detail.c_str());
    std::fflush(stderr);
    m_drawn = true;
}

} // namespace cxr::cli
