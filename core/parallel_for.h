// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <functional>

#include "progress.h"

namespace cxr {

// Runs body(i) for i in [0, n) on `threads` threads (0: one per hardware
// core), handing out indices in order. Progress is reported after each item
// (serialised: never two calls at once). Between items the cancel token is
// checked; on cancellation or when a body throws, the remaining items are
// skipped, the threads are joined, and the first exception is rethrown
// (Cancelled for a cancellation). Blocks until all threads have finished.
void parallelFor(std::size_t n,
                 int threads,
                 const std::function<void(std::size_t)> &body,
                 const ProgressFn &progress = {},
                 const CancelToken *cancel = nullptr);

// The thread count to use for `requested` (0 means every hardware core).
int resolveThreadCount(int requested);

} // namespace cxr
