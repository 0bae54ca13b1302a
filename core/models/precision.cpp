// SPDX-License-Identifier: MIT
#include "models/precision.h"

#include <ATen/autocast_mode.h>
#include <oneapi/dnnl/dnnl.hpp>

#include "enum_names.h"

namespace cxr {
namespace {

constexpr EnumName<Precision> kPrecisionNames[] = {
    {Precision::Auto, "auto"}, {Precision::Fp32, "fp32"}, {Precision::Bf16, "bf16"}};

} // namespace

const char *precisionName(Precision precision) { return nameOf(kPrecisionNames, precision); }

std::optional<Precision> parsePrecision(const std::string &name) {
    return parseName(kPrecisionNames, name);
}

bool cpuHasNativeBf16() {
    // oneDNN's ISAs are nested bit masks: an ISA includes another when it
    // has all of its bits.
    const auto bf16 = static_cast<unsigned>(dnnl::cpu_isa::avx512_core_bf16);
    return (static_cast<unsigned>(dnnl::get_effective_cpu_isa()) & bf16) == bf16;
}

Precision resolvePrecision(Precision requested, bool nativeBf16) {
    if (requested != Precision::Auto)
        return requested;
    return nativeBf16 ? Precision::Bf16 : Precision::Fp32;
}

PrecisionScope::PrecisionScope(Precision precision) {
    if (precision != Precision::Bf16)
        return;
    m_active = true;
    m_wasEnabled = at::autocast::is_cpu_enabled();
    m_oldDtype = static_cast<int>(at::autocast::get_autocast_cpu_dtype());
    at::autocast::set_cpu_enabled(true);
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    at::autocast::increment_nesting();
}

PrecisionScope::~PrecisionScope() {
    if (!m_active)
        return;
    // Autocast keeps the bfloat16 copies of the weights while a scope is
    // open; they are stale once the optimiser steps.
    if (at::autocast::decrement_nesting() == 0)
        at::autocast::clear_cache();
    at::autocast::set_cpu_enabled(m_wasEnabled);
    at::autocast::set_autocast_cpu_dtype(static_cast<at::ScalarType>(m_oldDtype));
}

} // namespace cxr
