// SPDX-License-Identifier: MIT
#pragma once

#include <string>

#include <c10/core/Device.h>

namespace cxr {

// The device a network computes on, from "cpu", "cuda" or "cuda:N". Throws
// Error with a clear message for a malformed name, and for a CUDA device
// when this LibTorch has no CUDA (Debian's is CPU-only) or no such GPU.
c10::Device resolveDevice(const std::string &name);

} // namespace cxr
