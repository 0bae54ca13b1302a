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

namespace {

// A flip as OpenCV names it (1: left-right, 0: up-down, -1: both) and the
// tensor dimensions it reverses.
struct Flip {
    int cvCode;
    std::vector<int64_t> dims;
};

std::vector<Flip> smoothingFlips(Smoothing smoothing) {
    switch (smoothing) {
    case Smoothing::Mirror:
        return {{1, {3}}};
    case Smoothing::Flips:
        return {{1, {3}}, {0, {2}}, {-1, {2, 3}}};
    case Smoothing::None:
        break;
    }
    return {};
}

} // namespace

Explanation Classifier::explain(const cv::Mat &gray,
                                std::optional<int> targetClass,
                                CamMethod method,
                                Smoothing smoothing) const {
    const torch::Tensor input = inputTensor(gray, m_impl->preprocessing);
    const std::vector<Flip> flips = smoothingFlips(smoothing);
    CamResult cam;
    std::vector<cv::Mat> flippedMaps;
    {
        // Only the network passes need the lock; laying the maps over the
        // image does not.
        std::lock_guard lock(m_impl->mutex);
        cam = classActivationMap(*m_impl->network, input, targetClass, method, m_impl->fast.get());
        for (const Flip &flip : flips)
            flippedMaps.push_back(classActivationMap(*m_impl->network,
                                                     input.flip(flip.dims),
                                                     cam.targetClass,
                                                     method,
                                                     m_impl->fast.get())
                                      .map);
    }
    const int inputSize = m_impl->preprocessing.imageSize;
    cv::Mat heatmap = heatmapOnImage(cam.map, m_impl->grid, inputSize, gray.size());
    if (!flips.empty()) {
        // Flip each map back on the image, not on the cell grid: a grid
        // that is not centred on the input (ResNet50's) is not its own
        // mirror image.
        for (std::size_t k = 0; k < flips.size(); ++k) {
            cv::Mat back;
            cv::flip(heatmapOnImage(flippedMaps[k], m_impl->grid, inputSize, gray.size()),
                     back,
                     flips[k].cvCode);
            heatmap += back;
        }
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
