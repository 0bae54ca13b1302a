// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <string>

#include <ATen/core/Tensor.h>

#include "support/test_support.h"

namespace cxr::test {

// torchvision weights and reference outputs made by torch_reference.py:
// weights.pt in `format`, input (batch x 3 x size x size), eval logits,
// pooled features, the train-mode loss of one Adam step and the logits
// after it. Returns false (and sets `error`) when the script failed.
struct TorchReference {
    std::filesystem::path weights;
    at::Tensor input, logitsEval, pooled, logitsAfterStep, labels;
    double loss = 0;
};

bool makeTorchReference(const TempDir &dir,
                        const std::string &arch,
                        int classes,
                        const std::string &format,
                        TorchReference &out,
                        std::string &error,
                        int size = 64,
                        int batch = 2);

double maxAbsDiff(const at::Tensor &a, const at::Tensor &b);

} // namespace cxr::test
