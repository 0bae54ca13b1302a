// SPDX-License-Identifier: MIT
#pragma once

#include <string>

#include "models/precision.h"
#include "train/train_events.h"

namespace cxr {

// The log line that says in which arithmetic a run trains (fp32 or bf16,
// resolved) and, on a CPU without native bfloat16, what that means.
std::string arithmeticLine(Precision precision, bool nativeBf16);

// The log line that says where a run's time went (RunSummary::Times).
std::string timesLine(const RunSummary::Times &times);

} // namespace cxr
