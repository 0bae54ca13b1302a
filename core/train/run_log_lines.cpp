// SPDX-License-Identifier: MIT
#include "train/run_log_lines.h"

#include <sstream>

namespace cxr {

std::string arithmeticLine(Precision precision, bool nativeBf16) {
    std::string line = std::string("arithmetic: ") + precisionName(precision);
    if (precision == Precision::Fp32)
        return line + (nativeBf16 ? "" : " (this CPU has no native bfloat16)");
    line += " forward pass, float32 weights, optimiser, BatchNorm statistics and loss";
    if (!nativeBf16)
        line += "; this CPU has no native bfloat16, so oneDNN emulates it (slower than fp32)";
    return line;
}

std::string timesLine(const RunSummary::Times &t) {
    std::ostringstream line;
    line.setf(std::ios::fixed);
    line.precision(1);
    line << "time: " << t.total << " s in all; setup " << t.setup << ", training steps " << t.steps
         << ", waiting for images " << t.loading << ", validation " << t.validation
         << ", checkpoints " << t.checkpoints << ", test, calibration and gate " << t.finish;
    return line.str();
}

} // namespace cxr
