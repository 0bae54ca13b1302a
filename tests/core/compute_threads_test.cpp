// SPDX-License-Identifier: MIT
#include <thread>

#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include "compute_threads.h"
#include "errors.h"
#include "models/device.h"

namespace cxr {
namespace {

// A run's thread count is its own thread's: another thread (the GUI's
// classifier) keeps what it had, and the scope restores on exit.
TEST(ComputeThreads, ScopeSetsTheCallingThreadOnly) {
    const int before = at::get_num_threads();
    const int wanted = before == 1 ? 2 : 1; // differs from the default
    int inside = -1, otherDuring = -1;
    std::thread worker([&] {
        const ComputeThreadScope scope(wanted);
        inside = at::get_num_threads();
        std::thread other([&] { otherDuring = at::get_num_threads(); });
        other.join();
    });
    worker.join();
    EXPECT_EQ(inside, wanted);
    EXPECT_EQ(at::get_num_threads(), before);
    {
        const ComputeThreadScope scope(wanted);
        EXPECT_EQ(at::get_num_threads(), wanted);
    }
    EXPECT_EQ(at::get_num_threads(), before);
    // A thread started while another thread's scope is open starts from the
    // process default, not from that scope.
    EXPECT_EQ(otherDuring, before) << "the scope leaked into another thread";
}

TEST(Device, CpuWorksAndOtherDevicesFailClearly) {
    EXPECT_TRUE(resolveDevice("cpu").is_cpu());
    EXPECT_TRUE(resolveDevice("").is_cpu());
    for (const char *bad : {"gpu", "cuda:", "cuda:x", "cudaa", "cuda:-1"})
        EXPECT_THROW(resolveDevice(bad), Error) << bad;
    try {
        resolveDevice("cuda:0");
        SUCCEED() << "this LibTorch has CUDA and a GPU";
    } catch (const Error &e) {
        // Debian's LibTorch is CPU-only: the message says what to do.
        EXPECT_NE(std::string(e.what()).find("--device cpu"), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace cxr
