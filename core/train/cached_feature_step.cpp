// SPDX-License-Identifier: MIT
// Only the head trains, on each image's pooled backbone features computed
// once before the first epoch: with a frozen backbone and no augmentation
// those never change, so every epoch after the first costs a few matrix
// products instead of a pass through the backbone.
#include <map>

#include <torch/nn/functional/pooling.h>
#include <torch/types.h>
#include <torch/utils.h>

#include "models/losses.h"
#include "train/step_strategy.h"

namespace cxr {
namespace {
namespace F = torch::nn::functional;

class CachedFeatureStep final : public StepStrategy {
  public:
    CachedFeatureStep(StepContext context,
                      std::vector<std::size_t> samples,
                      std::vector<int> labels)
        : m(std::move(context)), m_samples(std::move(samples)), m_labels(std::move(labels)) {}

    std::string description() const override {
        return "frozen backbone, head only, features computed once";
    }

    std::vector<at::Tensor> trainableParameters() override { return headParameters(*m.network); }

    void prepare() override {
        m.network->eval();
        torch::NoGradGuard noGrad;
        EpochPlan plan;
        plan.samples = m_samples;
        plan.labels = m_labels;
        StepContext plain = m;
        plain.config.augmentation = Augmentation::none();
        forEachLoadedBatch(plain, plan, [&](Batch &batch) {
            if (m.cancel)
                m.cancel->throwIfCancelled();
            const torch::Tensor pooled =
                F::adaptive_avg_pool2d(m.network->features(batch.images.to(m.device)),
                                       F::AdaptiveAvgPool2dFuncOptions(1))
                    .flatten(1);
            for (std::size_t r = 0; r < batch.positions.size(); ++r)
                m_features[m_samples[batch.positions[r]]] = pooled[static_cast<int64_t>(r)].clone();
        });
        if (m.log)
            m.log("computed backbone features of " + std::to_string(m_features.size()) + " images");
    }

    void forEachBatch(const EpochPlan &plan,
                      const std::function<void(TrainingBatch &)> &step) override {
        m.network->eval();
        const std::size_t size = static_cast<std::size_t>(m.loading.batchSize);
        const std::size_t batches = (plan.samples.size() + size - 1) / size;
        for (std::size_t b = plan.firstBatch; b < batches; ++b) {
            TrainingBatch out;
            out.index = b;
            if (!rows(plan.samples,
                      plan.labels,
                      b * size,
                      std::min(plan.samples.size(), (b + 1) * size),
                      out))
                out.targets = torch::empty({0}, torch::kLong); // no image of it decoded
            step(out);
        }
    }

    Predictions predict(const std::vector<std::size_t> &samples,
                        const std::vector<int> &labels) override {
        Predictions out(m.network->numClasses());
        m.network->eval();
        torch::NoGradGuard noGrad;
        TrainingBatch all;
        if (!rows(samples, labels, 0, samples.size(), all))
            return out;
        const torch::Tensor logits = forward(all.inputs);
        out.add(logits,
                all.targets,
                classificationLoss(logits, all.targets, m.config.loss).item<double>());
        return out;
    }

    at::Tensor forward(const at::Tensor &features) override {
        return m.network->head()->forward(features);
    }

  private:
    // The cached features of samples[begin, end) (images that failed to
    // decode have none) and their labels; false when there are none at all.
    bool rows(const std::vector<std::size_t> &samples,
              const std::vector<int> &labels,
              std::size_t begin,
              std::size_t end,
              TrainingBatch &out) {
        std::vector<torch::Tensor> features;
        std::vector<int64_t> targets;
        for (std::size_t k = begin; k < end; ++k)
            if (const auto it = m_features.find(samples[k]); it != m_features.end()) {
                features.push_back(it->second);
                targets.push_back(labels[k]);
            }
        if (features.empty())
            return false;
        out.inputs = torch::stack(features).to(m.device);
        out.targets = torch::tensor(targets, torch::kLong).to(m.device);
        return true;
    }

    StepContext m;
    std::vector<std::size_t> m_samples;
    std::vector<int> m_labels;
    std::map<std::size_t, torch::Tensor> m_features; // sample index -> pooled features
};

} // namespace

std::unique_ptr<StepStrategy> makeCachedFeatureStep(const StepContext &context,
                                                    const std::vector<std::size_t> &samples,
                                                    const std::vector<int> &labels) {
    return std::make_unique<CachedFeatureStep>(context, samples, labels);
}

} // namespace cxr
