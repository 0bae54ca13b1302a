// SPDX-License-Identifier: MIT
#include "eval/predictions.h"

#include <algorithm>

#include <ATen/core/Tensor.h>
#include <ATen/ops/softmax.h>

#include "errors.h"

namespace cxr {

double Predictions::meanLoss() const {
    return labels.empty() ? 0.0 : lossSum / static_cast<double>(labels.size());
}

double Predictions::accuracy() const {
    return labels.empty() ? 0.0 : static_cast<double>(correct) / static_cast<double>(labels.size());
}

void Predictions::add(const at::Tensor &logits, const at::Tensor &targets, double batchLoss) {
    const at::Tensor p = at::softmax(logits.detach().to(at::kCPU, at::kFloat), 1).contiguous();
    const at::Tensor t = targets.to(at::kCPU, at::kLong).contiguous();
    const float *rows = p.data_ptr<float>();
    const int64_t *ids = t.data_ptr<int64_t>();
    add(std::vector<int>(ids, ids + t.numel()),
        std::vector<float>(rows, rows + p.numel()),
        batchLoss);
}

void Predictions::add(const std::vector<int> &rowLabels,
                      const std::vector<float> &rowProbabilities,
                      double batchLoss) {
    const std::size_t k = static_cast<std::size_t>(classes);
    if (k == 0 || rowProbabilities.size() != rowLabels.size() * k)
        throw Error("predictions of " + std::to_string(rowLabels.size()) + " images do not fit " +
                    std::to_string(classes) + " classes");
    for (std::size_t i = 0; i < rowLabels.size(); ++i) {
        const float *row = rowProbabilities.data() + i * k;
        correct += static_cast<int>(std::max_element(row, row + k) - row) == rowLabels[i];
    }
    labels.insert(labels.end(), rowLabels.begin(), rowLabels.end());
    probabilities.insert(probabilities.end(), rowProbabilities.begin(), rowProbabilities.end());
    lossSum += batchLoss * static_cast<double>(rowLabels.size());
}

} // namespace cxr
