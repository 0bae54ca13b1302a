// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>

#include "errors.h"

namespace cxr {

// Progress hook for long operations: `done` of `total` work items finished.
// Called from the thread doing the work (possibly a pool thread, but never
// two calls at once), so a UI must marshal it to its own thread.
using ProgressFn = std::function<void(std::size_t done, std::size_t total)>;

// A cancellation request shared between the thread that asks and the thread
// that works. Thread-safe; long loops call throwIfCancelled() between items.
class CancelToken {
  public:
    void cancel() { m_cancelled.store(true, std::memory_order_relaxed); }
    // Clears a request, for reuse by the next job once the last one ended.
    void reset() { m_cancelled.store(false, std::memory_order_relaxed); }
    bool cancelled() const { return m_cancelled.load(std::memory_order_relaxed); }
    void throwIfCancelled() const {
        if (cancelled())
            throw Cancelled();
    }

  private:
    std::atomic<bool> m_cancelled{false};
};

} // namespace cxr
