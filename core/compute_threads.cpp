// SPDX-License-Identifier: MIT
#include "compute_threads.h"

#include <ATen/Parallel.h>
#include <omp.h>

#include "parallel_for.h"

namespace cxr {

ComputeThreadScope::ComputeThreadScope(int threads) {
    // First ask LibTorch, so that this thread's one-time initialisation from
    // the process default happens now and not later over our setting.
    m_previous = at::get_num_threads();
    m_threads = resolveThreadCount(threads);
    omp_set_num_threads(m_threads);
}

ComputeThreadScope::~ComputeThreadScope() { omp_set_num_threads(m_previous); }

} // namespace cxr
