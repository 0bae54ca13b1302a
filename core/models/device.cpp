// SPDX-License-Identifier: MIT
#include "models/device.h"

#include <torch/cuda.h>

#include "errors.h"

namespace cxr {

c10::Device resolveDevice(const std::string &name) {
    if (name.empty() || name == "cpu")
        return c10::Device(c10::kCPU);
    if (name.rfind("cuda", 0) != 0)
        throw Error("unknown device \"" + name + "\": use cpu, cuda or cuda:N");
    int index = 0;
    if (name != "cuda") {
        const std::string number = name.substr(name.find(':') + 1);
        if (name[4] != ':' || number.empty() ||
            number.find_first_not_of("0123456789") != std::string::npos || number.size() > 3)
            throw Error("unknown device \"" + name + "\": use cpu, cuda or cuda:N");
        index = std::stoi(number);
    }
    if (!torch::cuda::is_available())
        throw Error("device \"" + name +
                    "\" asked for, but this LibTorch has no CUDA support or finds no GPU "
                    "(Debian's libtorch is CPU-only): use --device cpu");
    if (static_cast<std::size_t>(index) >= torch::cuda::device_count())
        throw Error("device \"" + name + "\" does not exist: this machine has " +
                    std::to_string(torch::cuda::device_count()) + " GPU(s)");
    return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(index));
}

} // namespace cxr
