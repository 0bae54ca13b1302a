// SPDX-License-Identifier: MIT
#include "infer/ood_gate.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include <ATen/ops/linalg_svd.h>
#include <torch/types.h>

namespace cxr {
namespace {

// Enough directions to hold 99% of the within-class variance, at most 256
// (beyond that the file grows and little changes). Measured on a model
// trained on the sample (bench/ood_gate.sh): 99% separated foreign images
// better than 95% or 90%, which leave real variation of X-rays to the
// shared residual variance.
constexpr double kVarianceKept = 0.99;
constexpr int kMaxComponents = 256;

const at::Tensor *find(const StateDict &state, const std::string &name) {
    for (const auto &[key, tensor] : state)
        if (key == name)
            return &tensor;
    return nullptr;
}

double scalar(const at::Tensor *t) {
    return t && t->numel() == 1 ? t->to(at::kDouble).item<double>() : NAN;
}

} // namespace

OodGate OodGate::fit(const at::Tensor &features, const std::vector<int> &labels, int classes) {
    if (features.dim() != 2 || features.size(0) < 2 ||
        features.size(0) != static_cast<int64_t>(labels.size()))
        throw std::invalid_argument("the gate needs at least two feature rows, one per label");
    const at::Tensor x = features.to(at::kDouble).contiguous();
    const int64_t n = x.size(0), d = x.size(1);
    std::map<int, std::vector<int64_t>> rowsOf;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] < 0 || labels[i] >= classes)
            throw std::invalid_argument("a label is outside the model's classes");
        rowsOf[labels[i]].push_back(static_cast<int64_t>(i));
    }
    OodGate gate;
    std::vector<at::Tensor> means;
    at::Tensor centred = torch::empty_like(x);
    for (const auto &[label, rows] : rowsOf) {
        const at::Tensor index = torch::tensor(rows, torch::kLong);
        const at::Tensor mean = x.index_select(0, index).mean(0);
        centred.index_copy_(0, index, x.index_select(0, index) - mean);
        means.push_back(mean);
    }
    gate.m_means = torch::stack(means);
    const auto [u, s, vh] = at::linalg_svd(centred, /*full_matrices=*/false);
    const at::Tensor variances = s.square() / static_cast<double>(n);
    const double total = variances.sum().item<double>();
    const at::Tensor cumulative = variances.cumsum(0) / std::max(total, 1e-300);
    int64_t k = 1;
    while (k < variances.size(0) && k < kMaxComponents && k < d - 1 &&
           cumulative[k - 1].item<double>() < kVarianceKept)
        ++k;
    gate.m_basis = vh.slice(0, 0, k).t().contiguous();
    gate.m_variances = variances.slice(0, 0, k).clamp_min(1e-12 * std::max(total, 1e-300));
    const double kept = variances.slice(0, 0, k).sum().item<double>();
    // The remaining directions share the rest of the variance; a floor keeps
    // a model whose features span everything from dividing by zero.
    gate.m_residualVariance = std::max((total - kept) / static_cast<double>(d - k),
                                       1e-6 * std::max(total, 1e-300) / static_cast<double>(d));
    gate.m_trainImages = static_cast<int>(n);
    gate.m_threshold = INFINITY; // until setThreshold
    return gate;
}

std::vector<double> OodGate::score(const at::Tensor &features) const {
    const at::Tensor f = features.to(at::kDouble).reshape({features.size(0), -1});
    if (f.size(1) != m_means.size(1))
        throw std::invalid_argument("the features do not match the gate's");
    at::Tensor best;
    for (int64_t c = 0; c < m_means.size(0); ++c) {
        const at::Tensor diff = f - m_means[c];
        const at::Tensor projected = diff.mm(m_basis);
        const at::Tensor inside = (projected.square() / m_variances).sum(1);
        const at::Tensor outside =
            (diff.square().sum(1) - projected.square().sum(1)).clamp_min(0) / m_residualVariance;
        const at::Tensor distance = inside + outside;
        best = c == 0 ? distance : torch::minimum(best, distance);
    }
    best = (best / static_cast<double>(f.size(1))).contiguous();
    return {best.data_ptr<double>(), best.data_ptr<double>() + best.numel()};
}

void OodGate::setThreshold(const std::vector<double> &heldOutScores, double percentile) {
    if (heldOutScores.empty())
        throw std::invalid_argument("the gate's threshold needs held-out scores");
    std::vector<double> sorted = heldOutScores;
    std::sort(sorted.begin(), sorted.end());
    const double position = percentile / 100 * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(position));
    const auto hi = std::min(lo + 1, sorted.size() - 1);
    m_threshold = sorted[lo] + (sorted[hi] - sorted[lo]) * (position - static_cast<double>(lo));
}

int OodGate::components() const { return static_cast<int>(m_basis.size(1)); }
int OodGate::featureCount() const { return static_cast<int>(m_means.size(1)); }

StateDict OodGate::toState() const {
    const auto number = [](double v) { return torch::tensor({v}, torch::kDouble); };
    return {{"means", m_means.to(at::kFloat)},
            {"basis", m_basis.to(at::kFloat)},
            {"variances", m_variances.to(at::kDouble)},
            {"residual_variance", number(m_residualVariance)},
            {"threshold", number(m_threshold)},
            {"train_images", number(m_trainImages)}};
}

std::optional<OodGate> OodGate::fromState(const StateDict &state) {
    const at::Tensor *means = find(state, "means"), *basis = find(state, "basis"),
                     *variances = find(state, "variances");
    if (!means || !basis || !variances || means->dim() != 2 || basis->dim() != 2 ||
        variances->dim() != 1 || basis->size(0) != means->size(1) ||
        basis->size(1) != variances->size(0) || means->size(0) < 1)
        return std::nullopt;
    OodGate gate;
    gate.m_means = means->to(at::kDouble).contiguous();
    gate.m_basis = basis->to(at::kDouble).contiguous();
    gate.m_variances = variances->to(at::kDouble).contiguous();
    gate.m_residualVariance = scalar(find(state, "residual_variance"));
    gate.m_threshold = scalar(find(state, "threshold"));
    const double images = scalar(find(state, "train_images"));
    gate.m_trainImages = std::isfinite(images) ? static_cast<int>(images) : 0;
    if (!(gate.m_residualVariance > 0) || !(gate.m_threshold > 0) || std::isinf(gate.m_threshold) ||
        !(gate.m_variances.min().item<double>() > 0))
        return std::nullopt; // damaged, or never given a threshold
    return gate;
}

} // namespace cxr
