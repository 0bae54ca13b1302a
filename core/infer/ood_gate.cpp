// SPDX-License-Identifier: MIT
#include "infer/ood_gate.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include <ATen/ops/linalg_svd.h>
#include <torch/nn/functional/pooling.h>
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
constexpr int kAppearanceSide = 16;

const at::Tensor *find(const StateDict &state, const std::string &name) {
    for (const auto &[key, tensor] : state)
        if (key == name)
            return &tensor;
    return nullptr;
}

double scalar(const at::Tensor *t) {
    return t && t->numel() == 1 ? t->to(at::kDouble).item<double>() : NAN;
}

at::Tensor number(double v) { return torch::tensor({v}, torch::kDouble); }

OodGate::Gaussian
fitGaussian(const at::Tensor &features, const std::vector<int> &labels, int classes) {
    const at::Tensor x = features.to(at::kDouble).reshape({features.size(0), -1}).contiguous();
    const int64_t n = x.size(0), d = x.size(1);
    std::map<int, std::vector<int64_t>> rowsOf;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] < 0 || labels[i] >= classes)
            throw std::invalid_argument("a label is outside the model's classes");
        rowsOf[labels[i]].push_back(static_cast<int64_t>(i));
    }
    OodGate::Gaussian g;
    std::vector<at::Tensor> means;
    at::Tensor centred = torch::empty_like(x);
    for (const auto &[label, rows] : rowsOf) {
        const at::Tensor index = torch::tensor(rows, torch::kLong);
        const at::Tensor mean = x.index_select(0, index).mean(0);
        centred.index_copy_(0, index, x.index_select(0, index) - mean);
        means.push_back(mean);
    }
    g.means = torch::stack(means);
    const auto [u, s, vh] = at::linalg_svd(centred, /*full_matrices=*/false);
    const at::Tensor variances = s.square() / static_cast<double>(n);
    const double total = std::max(variances.sum().item<double>(), 1e-300);
    const at::Tensor cumulative = variances.cumsum(0) / total;
    int64_t k = 1;
    while (k < variances.size(0) && k < kMaxComponents && k < d - 1 &&
           cumulative[k - 1].item<double>() < kVarianceKept)
        ++k;
    g.basis = vh.slice(0, 0, k).t().contiguous();
    g.variances = variances.slice(0, 0, k).clamp_min(1e-12 * total);
    const double kept = variances.slice(0, 0, k).sum().item<double>();
    // The remaining directions share the rest of the variance; a floor keeps
    // features that span everything from dividing by zero.
    g.residualVariance = std::max((total - kept) / static_cast<double>(std::max<int64_t>(d - k, 1)),
                                  1e-6 * total / static_cast<double>(d));
    return g;
}

// N distances to the nearest class mean, divided by the dimension count.
at::Tensor distance(const OodGate::Gaussian &g, const at::Tensor &features) {
    const at::Tensor f = features.to(at::kDouble).reshape({features.size(0), -1});
    if (f.size(1) != g.means.size(1))
        throw std::invalid_argument("the features do not match the gate's");
    at::Tensor best;
    for (int64_t c = 0; c < g.means.size(0); ++c) {
        const at::Tensor diff = f - g.means[c];
        const at::Tensor projected = diff.mm(g.basis);
        const at::Tensor inside = (projected.square() / g.variances).sum(1);
        const at::Tensor outside =
            (diff.square().sum(1) - projected.square().sum(1)).clamp_min(0) / g.residualVariance;
        const at::Tensor d = inside + outside;
        best = c == 0 ? d : torch::minimum(best, d);
    }
    return best / static_cast<double>(f.size(1));
}

void store(StateDict &state, const std::string &prefix, const OodGate::Gaussian &g) {
    state.push_back({prefix + "means", g.means.to(at::kFloat)});
    state.push_back({prefix + "basis", g.basis.to(at::kFloat)});
    state.push_back({prefix + "variances", g.variances.to(at::kDouble)});
    state.push_back({prefix + "residual_variance", number(g.residualVariance)});
}

std::optional<OodGate::Gaussian> restore(const StateDict &state, const std::string &prefix) {
    const at::Tensor *means = find(state, prefix + "means"), *basis = find(state, prefix + "basis"),
                     *variances = find(state, prefix + "variances");
    if (!means || !basis || !variances || means->dim() != 2 || basis->dim() != 2 ||
        variances->dim() != 1 || basis->size(0) != means->size(1) ||
        basis->size(1) != variances->size(0) || means->size(0) < 1 || variances->numel() < 1)
        return std::nullopt;
    OodGate::Gaussian g;
    g.means = means->to(at::kDouble).contiguous();
    g.basis = basis->to(at::kDouble).contiguous();
    g.variances = variances->to(at::kDouble).contiguous();
    g.residualVariance = scalar(find(state, prefix + "residual_variance"));
    if (!(g.residualVariance > 0) || !(g.variances.min().item<double>() > 0))
        return std::nullopt;
    return g;
}

} // namespace

GateInputs GateInputs::select(const std::vector<std::int64_t> &rows) const {
    const at::Tensor index = torch::tensor(rows, torch::kLong);
    return {features.index_select(0, index),
            spread.index_select(0, index),
            appearance.index_select(0, index)};
}

GateInputs GateInputs::concat(const std::vector<GateInputs> &parts) {
    if (parts.empty())
        return {};
    std::vector<at::Tensor> features, spread, appearance;
    for (const GateInputs &p : parts) {
        features.push_back(p.features);
        spread.push_back(p.spread);
        appearance.push_back(p.appearance);
    }
    return {torch::cat(features), torch::cat(spread), torch::cat(appearance)};
}

GateInputs gateInputs(const at::Tensor &featureMap, const at::Tensor &networkInput) {
    namespace F = torch::nn::functional;
    const at::Tensor map = featureMap.detach().to(torch::kCPU, torch::kDouble).flatten(2);
    GateInputs inputs;
    inputs.features = map.mean(2);
    inputs.spread = map.std(2, /*unbiased=*/false);
    // The first channel: every channel is the same grey image, normalised
    // by a different affine map that centring and scaling undo.
    const at::Tensor grey = networkInput.detach().to(torch::kCPU, torch::kDouble).narrow(1, 0, 1);
    at::Tensor small =
        F::adaptive_avg_pool2d(grey, F::AdaptiveAvgPool2dFuncOptions(kAppearanceSide)).flatten(1);
    small = small - small.mean(1, /*keepdim=*/true);
    inputs.appearance = small / small.norm(2, 1, /*keepdim=*/true).clamp_min(1e-12);
    return inputs;
}

OodGate OodGate::fit(const GateInputs &inputs, const std::vector<int> &labels, int classes) {
    if (inputs.rows() < 2 || inputs.rows() != static_cast<int64_t>(labels.size()))
        throw std::invalid_argument("the gate needs at least two images, one label each");
    OodGate gate;
    gate.m_features = fitGaussian(inputs.features, labels, classes);
    gate.m_spread = fitGaussian(inputs.spread, labels, classes);
    gate.m_appearance = fitGaussian(inputs.appearance, labels, classes);
    gate.m_trainImages = static_cast<int>(inputs.rows());
    gate.m_threshold = INFINITY; // until setThreshold
    return gate;
}

std::vector<double> OodGate::score(const GateInputs &inputs) const {
    at::Tensor total = distance(m_features, inputs.features);
    if (m_spread)
        total = total + distance(*m_spread, inputs.spread);
    if (m_appearance)
        total = total + distance(*m_appearance, inputs.appearance);
    total = total.contiguous();
    return {total.data_ptr<double>(), total.data_ptr<double>() + total.numel()};
}

std::vector<std::string> OodGate::views() const {
    if (seesLayout())
        return {"features", "spread", "appearance"};
    return {"features"};
}

int OodGate::components() const { return static_cast<int>(m_features.basis.size(1)); }
int OodGate::featureCount() const { return static_cast<int>(m_features.means.size(1)); }

StateDict OodGate::toState() const {
    StateDict state;
    store(state, "features.", m_features);
    if (m_spread && m_appearance) {
        store(state, "spread.", *m_spread);
        store(state, "appearance.", *m_appearance);
    }
    state.push_back({"threshold", number(m_threshold)});
    state.push_back({"train_images", number(m_trainImages)});
    return state;
}

std::optional<OodGate> OodGate::fromState(const StateDict &state) {
    OodGate gate;
    if (auto features = restore(state, "features.")) {
        gate.m_features = std::move(*features);
        gate.m_spread = restore(state, "spread.");
        gate.m_appearance = restore(state, "appearance.");
        if (!gate.m_spread || !gate.m_appearance)
            return std::nullopt; // damaged
    } else if (auto legacy = restore(state, "")) {
        gate.m_features = std::move(*legacy); // features alone
    } else {
        return std::nullopt;
    }
    gate.m_threshold = scalar(find(state, "threshold"));
    const double images = scalar(find(state, "train_images"));
    gate.m_trainImages = std::isfinite(images) ? static_cast<int>(images) : 0;
    if (!(gate.m_threshold > 0) || std::isinf(gate.m_threshold))
        return std::nullopt; // damaged, or never given a threshold
    return gate;
}

} // namespace cxr
