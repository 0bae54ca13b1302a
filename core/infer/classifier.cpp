// SPDX-License-Identifier: MIT
#include "infer/classifier.h"

#include <mutex>

#include <ATen/ops/softmax.h>
#include <torch/types.h>
#include <torch/utils.h>

#include "data/image_decode.h"
#include "models/checkpoint.h"

namespace cxr {

struct Classifier::Impl {
    Network network;
    std::vector<std::string> classes;
    Preprocessing preprocessing;
    std::string arch;
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
    impl->classes = checkpoint.classes;
    impl->preprocessing = checkpoint.preprocessing;
    impl->arch = architectureName(checkpoint.arch);
    return Classifier(std::move(impl));
}

const std::vector<std::string> &Classifier::classes() const { return m_impl->classes; }
const Preprocessing &Classifier::preprocessing() const { return m_impl->preprocessing; }
const std::string &Classifier::architecture() const { return m_impl->arch; }

Prediction Classifier::predict(const cv::Mat &gray) const {
    const Preprocessing &p = m_impl->preprocessing;
    const cv::Mat resized = resizeSquare(gray, p.imageSize);
    torch::Tensor input = torch::empty({1, p.channels, p.imageSize, p.imageSize});
    writeNormalisedChw(resized, p, input.data_ptr<float>());

    std::lock_guard lock(m_impl->mutex);
    torch::InferenceMode inference; // thread-local: made on the calling thread
    const torch::Tensor probabilities = at::softmax(m_impl->network->forward(input), 1)[0];
    Prediction prediction;
    prediction.probabilities.assign(probabilities.data_ptr<float>(),
                                    probabilities.data_ptr<float>() + probabilities.numel());
    prediction.label = static_cast<int>(probabilities.argmax().item<int64_t>());
    return prediction;
}

Prediction Classifier::predictFile(const std::filesystem::path &image) const {
    return predict(decodeImage(image).pixels);
}

} // namespace cxr
