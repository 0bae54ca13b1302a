// SPDX-License-Identifier: MIT
#include "infer/classifier.h"

#include <algorithm>
#include <mutex>

#include <ATen/ops/softmax.h>
#include <opencv2/core.hpp>
#include <torch/types.h>
#include <torch/utils.h>

#include "data/image_decode.h"
#include "explain/grad_cam.h"
#include "explain/heatmap_geometry.h"
#include "models/checkpoint.h"
#include "models/inference_network.h"

namespace cxr {

struct Classifier::Impl {
    Network network;
    std::unique_ptr<InferenceNetwork> fast; // predictions and Grad-CAM backbones
    std::vector<std::string> classes;
    Preprocessing preprocessing;
    std::string arch;
    FeatureGrid grid;
    std::mutex mutex; // serialises forward passes
};

Classifier::Classifier(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Classifier::Classifier(Classifier &&) noexcept = default;
Classifier &Classifier::operator=(Classifier &&) noexcept = default;
Classifier::~Classifier() = default;

Classifier Classifier::load(const std::filesystem::path &file) {
    const Checkpoint checkpoint = loadCheckpoint(file);
    auto impl = std::make_unique<Impl>();
    impl->network = networkFromCheckpoint(checkpoint, file.string());
    impl->network->eval();
    impl->fast = InferenceNetwork::build(impl->network);
    impl->classes = checkpoint.classes;
    impl->preprocessing = checkpoint.preprocessing;
    impl->arch = architectureName(checkpoint.arch);
    impl->grid = featureGrid(checkpoint.arch);
    return Classifier(std::move(impl));
}

const std::vector<std::string> &Classifier::classes() const { return m_impl->classes; }
const Preprocessing &Classifier::preprocessing() const { return m_impl->preprocessing; }
const std::string &Classifier::architecture() const { return m_impl->arch; }

namespace {

torch::Tensor inputTensor(const cv::Mat &gray, const Preprocessing &p) {
    const cv::Mat resized = resizeSquare(gray, p.imageSize);
    torch::Tensor input = torch::empty({1, p.channels, p.imageSize, p.imageSize});
    writeNormalisedChw(resized, p, input.data_ptr<float>());
    return input;
}

Prediction fromLogits(const torch::Tensor &logits) {
    const torch::Tensor probabilities = at::softmax(logits, 1)[0].contiguous();
    Prediction prediction;
    prediction.probabilities.assign(probabilities.data_ptr<float>(),
                                    probabilities.data_ptr<float>() + probabilities.numel());
    prediction.label = static_cast<int>(probabilities.argmax().item<int64_t>());
    return prediction;
}

} // namespace

int Classifier::classIndex(const std::string &name) const {
    const auto &c = m_impl->classes;
    const auto it = std::find(c.begin(), c.end(), name);
    return it == c.end() ? -1 : static_cast<int>(it - c.begin());
}

Explanation Classifier::explain(const cv::Mat &gray,
                                std::optional<int> targetClass,
                                CamMethod method,
                                bool smooth) const {
    const torch::Tensor input = inputTensor(gray, m_impl->preprocessing);
    CamResult cam, mirrored;
    {
        // Only the network passes need the lock; laying the maps over the
        // image does not.
        std::lock_guard lock(m_impl->mutex);
        cam = classActivationMap(*m_impl->network, input, targetClass, method, m_impl->fast.get());
        if (smooth)
            mirrored = classActivationMap(
                *m_impl->network, input.flip({3}), cam.targetClass, method, m_impl->fast.get());
    }
    const int inputSize = m_impl->preprocessing.imageSize;
    cv::Mat heatmap = heatmapOnImage(cam.map, m_impl->grid, inputSize, gray.size());
    if (smooth) {
        // Mirror the flipped image's heatmap back. This is done on the
        // image, not on the map: a cell grid that is not centred on the
        // input (ResNet50's) is not its own mirror image.
        cv::Mat back;
        cv::flip(heatmapOnImage(mirrored.map, m_impl->grid, inputSize, gray.size()), back, 1);
        heatmap = (heatmap + back) * 0.5;
        double peak = 0;
        cv::minMaxLoc(heatmap, nullptr, &peak);
        if (peak > 0)
            heatmap /= peak;
    }
    Explanation explanation;
    explanation.prediction = fromLogits(cam.logits);
    explanation.targetClass = cam.targetClass;
    explanation.heatmap = heatmap;
    return explanation;
}

Prediction Classifier::predict(const cv::Mat &gray) const {
    const torch::Tensor input = inputTensor(gray, m_impl->preprocessing);

    std::lock_guard lock(m_impl->mutex);
    torch::InferenceMode inference; // thread-local: made on the calling thread
    return fromLogits(m_impl->fast->forward(input));
}

Prediction Classifier::predictFile(const std::filesystem::path &image) const {
    return predict(decodeImage(image).pixels);
}

} // namespace cxr
