// SPDX-License-Identifier: MIT
#pragma once

namespace cxr {

// Sets the number of threads LibTorch and oneDNN use for operations started
// from the calling thread, for the lifetime of the object, and restores the
// previous count afterwards. Other threads keep their own count: a training
// run in a worker thread does not change the GUI's classifier threads.
//
// Why this works: LibTorch (OpenMP build, as Debian's) reads the thread
// count of each parallel region from the calling thread's OpenMP setting,
// which each thread initialises once from the process default
// (at::set_num_threads, which this never calls). What stays process-global:
// the process default itself, LibTorch's inter-op pool (unused here) and
// OpenBLAS's own threads, which serve only small matrix products outside
// convolutions. Construct and destroy on the same thread.
class ComputeThreadScope {
  public:
    explicit ComputeThreadScope(int threads); // 0: every core
    ~ComputeThreadScope();
    ComputeThreadScope(const ComputeThreadScope &) = delete;
    ComputeThreadScope &operator=(const ComputeThreadScope &) = delete;

    int threads() const { return m_threads; }

  private:
    int m_threads = 1;
    int m_previous = 1;
};

} // namespace cxr
