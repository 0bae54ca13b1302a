// SPDX-License-Identifier: MIT
#include "parallel_for.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace cxr {

int resolveThreadCount(int requested) {
    if (requested > 0)
        return requested;
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void parallelFor(std::size_t n,
                 int threads,
                 const std::function<void(std::size_t)> &body,
                 const ProgressFn &progress,
                 const CancelToken *cancel) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    std::mutex mutex; // guards done, firstError and progress calls
    std::size_t done = 0;
    std::exception_ptr firstError;

    auto worker = [&] {
        while (!stop.load()) {
            if (cancel && cancel->cancelled()) {
                std::lock_guard lock(mutex);
                if (!firstError)
                    firstError = std::make_exception_ptr(Cancelled());
                stop = true;
                break;
            }
            const std::size_t i = next.fetch_add(1);
            if (i >= n)
                break;
            try {
                body(i);
            } catch (...) {
                std::lock_guard lock(mutex);
                if (!firstError)
                    firstError = std::current_exception();
                stop = true;
                break;
            }
            std::lock_guard lock(mutex);
            ++done;
            if (progress)
                progress(done, n);
        }
    };

    const int count =
        std::min<int>(resolveThreadCount(threads), static_cast<int>(std::max<std::size_t>(n, 1)));
    std::vector<std::thread> pool;
    for (int t = 1; t < count; ++t)
        pool.emplace_back(worker);
    worker(); // the calling thread works too
    for (std::thread &thread : pool)
        thread.join();
    if (firstError)
        std::rethrow_exception(firstError);
}

} // namespace cxr
