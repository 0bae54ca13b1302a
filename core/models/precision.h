// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>

namespace cxr {

// The arithmetic a training run's forward pass uses. Bf16 runs convolutions
// and matrix products in bfloat16 (LibTorch's CPU autocast) while the
// weights, the optimiser, BatchNorm statistics and the loss stay in float32.
// Auto is a request only: a run resolves it once, when it starts, to Bf16
// where the CPU computes bfloat16 natively and to Fp32 elsewhere, and
// records the result, so that a resumed run continues in the same
// arithmetic on any machine.
enum class Precision { Auto, Fp32, Bf16 };
const char *precisionName(Precision precision); // "auto", "fp32", "bf16"
std::optional<Precision> parsePrecision(const std::string &name);

// Whether this CPU has native bfloat16 dot products (AVX512_BF16 or AMX), as
// oneDNN, whose kernels LibTorch uses, sees it. oneDNN's own switch lowers
// what it sees: ONEDNN_MAX_CPU_ISA=AVX512_CORE_VNNI (or any ISA without
// bfloat16) makes this false, and then oneDNN emulates bfloat16 slowly.
bool cpuHasNativeBf16();

// Auto resolved for a CPU with or without native bfloat16; Fp32 and Bf16 as
// they are.
Precision resolvePrecision(Precision requested, bool nativeBf16);

// Within its scope the calling thread's LibTorch operations run under CPU
// autocast to bfloat16 when `precision` is Bf16, and as before otherwise.
// Scopes nest; the cast-weight cache is cleared when the outermost ends.
class PrecisionScope {
  public:
    explicit PrecisionScope(Precision precision);
    ~PrecisionScope();
    PrecisionScope(const PrecisionScope &) = delete;
    PrecisionScope &operator=(const PrecisionScope &) = delete;

  private:
    bool m_active = false;
    bool m_wasEnabled = false;
    int m_oldDtype = 0;
};

} // namespace cxr
