// SPDX-License-Identifier: MIT
#include <atomic>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "parallel_for.h"

namespace cxr {
namespace {

TEST(ParallelFor, VisitsEveryIndexOnceAndReportsProgress) {
    for (int threads : {1, 2, 4}) {
        std::vector<std::atomic<int>> visits(500);
        std::size_t lastDone = 0, calls = 0;
        parallelFor(
            visits.size(),
            threads,
            [&](std::size_t i) { ++visits[i]; },
            [&](std::size_t done, std::size_t total) {
                EXPECT_EQ(total, 500u);
                EXPECT_EQ(done, lastDone + 1); // serialised and in order
                lastDone = done;
                ++calls;
            });
        for (const auto &v : visits)
            EXPECT_EQ(v.load(), 1);
        EXPECT_EQ(calls, 500u);
    }
}

TEST(ParallelFor, RethrowsTheFirstErrorAndStops) {
    std::atomic<int> ran{0};
    EXPECT_THROW(parallelFor(10000,
                             2,
                             [&](std::size_t i) {
                                 ++ran;
                                 if (i == 10)
                                     throw std::runtime_error("boom");
                             }),
                 std::runtime_error);
    EXPECT_LT(ran.load(), 10000);
}

TEST(ParallelFor, CancellationThrowsCancelled) {
    CancelToken cancel;
    std::atomic<int> ran{0};
    EXPECT_THROW(parallelFor(
                     10000,
                     2,
                     [&](std::size_t i) {
                         ++ran;
                         if (i == 5)
                             cancel.cancel();
                     },
                     {},
                     &cancel),
                 Cancelled);
    EXPECT_LT(ran.load(), 10000);
}

TEST(ParallelFor, ZeroItemsIsFine) {
    parallelFor(0, 4, [](std::size_t) { FAIL(); });
}

} // namespace
} // namespace cxr
