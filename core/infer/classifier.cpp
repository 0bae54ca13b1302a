// SPDX-License-Identifier: MIT
#include "infer/classifier.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string>

#include <ATen/ops/softmax.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/types.h>
#include <torch/utils.h>

#include "data/image_decode.h"
#include "eval/calibration.h"
#include "explain/grad_cam.h"
#include "explain/heatmap_geometry.h"
#include "infer/inference_network.h"
#include "infer/ood_gate.h"
#include "models/device.h"
#include "weights/checkpoint.h"

namespace cxr {

struct Classifier::Impl {
    Network network;
    c10::Device device = c10::Device(c10::kCPU);
    std::unique_ptr<InferenceNetwork> fast; // on the CPU: predictions and Grad-CAM backbones
    std::vector<std::string> classes;
    Preprocessing preprocessing;
    std::string arch;
    FeatureGrid grid;
    double temperature = 1.0;    // temperature scaling stored in the model (1: none)
    std::optional<OodGate> gate; // out-of-distribution gate stored in the model
    std::mutex mutex;            // serialises forward passes
};

Classifier::Classifier(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Classifier::Classifier(Classifier &&) noexcept = default;
Classifier &Classifier::operator=(Classifier &&) noexcept = default;
Classifier::~Classifier() = default;

Classifier Classifier::load(const std::filesystem::path &file, const std::string &device) {
    const Checkpoint checkpoint = loadCheckpoint(file);
    auto impl = std::make_unique<Impl>();
    impl->device = resolveDevice(device);
    impl->network = networkFromCheckpoint(checkpoint, file.string());
    impl->network->eval();
    if (impl->device.is_cpu())
        impl->fast = InferenceNetwork::build(impl->network);
    else
        impl->network->to(impl->device);
    impl->classes = checkpoint.classes;
    impl->preprocessing = checkpoint.preprocessing;
    impl->arch = architectureName(checkpoint.arch);
    impl->grid = featureGrid(checkpoint.arch);
    if (const auto calibration = calibrationFromMetadata(checkpoint.metadataJson))
        impl->temperature = calibration->temperature;
    impl->gate = OodGate::fromState(checkpoint.oodGate);
    return Classifier(std::move(impl));
}

const std::vector<std::string> &Classifier::classes() const { return m_impl->classes; }
const Preprocessing &Classifier::preprocessing() const { return m_impl->preprocessing; }
const std::string &Classifier::architecture() const { return m_impl->arch; }
double Classifier::temperature() const { return m_impl->temperature; }
bool Classifier::hasOodGate() const { return m_impl->gate.has_value(); }

std::vector<std::string> Prediction::warnings() const {
    std::vector<std::string> out;
    for (const InputCheck &check : concerns)
        out.push_back(check.message);
    if (ood && ood->flagged()) {
        char line[160];
        std::snprintf(line,
                      sizeof line,
                      "this image does not look like the training images (score %.2f, "
                      "threshold %.2f)",
                      ood->score,
                      ood->threshold);
        out.emplace_back(line);
    }
    return out;
}

namespace {

torch::Tensor inputTensor(const cv::Mat &gray, const Preprocessing &p) {
    const cv::Mat resized = resizeSquare(gray, p.imageSize);
    torch::Tensor input = torch::empty({1, p.channels, p.imageSize, p.imageSize});
    writeNormalisedChw(resized, p, input.data_ptr<float>());
    return input;
}

// Probabilities by softmax(logits / temperature): the model's calibration.
Prediction fromLogits(const torch::Tensor &logits, double temperature) {
    const torch::Tensor probabilities =
        at::softmax(logits.to(at::kCPU) / temperature, 1)[0].contiguous();
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

// The views of the image a smoothed heatmap averages: a flip as OpenCV
// names it (1: left-right, 0: up-down, -1: both; none for the image as it
// is), then a shift of the network input's content, in input pixels.
struct View {
    std::optional<int> flip;
    cv::Point shift;
};

std::vector<std::optional<int>> smoothingFlips(Smoothing smoothing) {
    switch (smoothing) {
    case Smoothing::Mirror:
        return {std::nullopt, 1};
    case Smoothing::Flips:
        return {std::nullopt, 1, 0, -1};
    case Smoothing::None:
        break;
    }
    return {std::nullopt};
}

// `shifts` offsets along one axis, evenly spaced over one stride and centred
// on 0, so the set is its own mirror image and flips keep it.
std::vector<int> shiftOffsets(int shifts, double stride) {
    std::vector<int> offsets;
    for (int k = 0; k < shifts; ++k)
        offsets.push_back(
            static_cast<int>(std::lround((k - (shifts - 1) / 2.0) * stride / shifts)));
    return offsets;
}

std::vector<View> smoothingViews(const CamSmoothing &smoothing, const FeatureGrid &grid) {
    if (smoothing.shifts < 1 || smoothing.shifts > CamSmoothing::kMaxShifts)
        throw std::invalid_argument("shifts must be 1 to " +
                                    std::to_string(CamSmoothing::kMaxShifts) + ", not " +
                                    std::to_string(smoothing.shifts));
    const std::vector<int> offsets = shiftOffsets(smoothing.shifts, grid.stride);
    std::vector<View> views;
    for (const std::optional<int> &flip : smoothingFlips(smoothing.flips))
        for (int dy : offsets)
            for (int dx : offsets)
                views.push_back({flip, {dx, dy}});
    return views;
}

// The image's content moved by `shift`, the edge rows and columns repeated
// into the gap (a black band would be a feature of its own).
cv::Mat shifted(const cv::Mat &image, cv::Point shift) {
    if (shift == cv::Point())
        return image;
    cv::Mat out;
    const cv::Matx23d move(1, 0, shift.x, 0, 1, shift.y);
    cv::warpAffine(image, out, move, image.size(), cv::INTER_NEAREST, cv::BORDER_REPLICATE);
    return out;
}

// One view of the square network input `resized`, normalised. (Batching
// the views was measured: no faster on 2 cores, and more memory.)
torch::Tensor viewTensor(const cv::Mat &resized, const View &view, const Preprocessing &p) {
    // A new Mat for the flip: `resized` may share the caller's pixels, and
    // flipping it in place would change the image and every later view.
    cv::Mat image;
    if (view.flip)
        cv::flip(resized, image, *view.flip);
    else
        image = resized;
    return inputTensor(shifted(image, view.shift), p); // square already: not resized again
}

} // namespace

Explanation Classifier::explain(const cv::Mat &gray,
                                std::optional<int> targetClass,
                                CamMethod method,
                                const CamSmoothing &smoothing,
                                const ProgressFn &progress,
                                const CancelToken *cancel) const {
    const Preprocessing &p = m_impl->preprocessing;
    const std::vector<View> views = smoothingViews(smoothing, m_impl->grid);
    const cv::Mat resized = resizeSquare(gray, p.imageSize);
    // The plain view is explained first (it gives the prediction and the
    // default target), then each other view for that target.
    std::size_t passes = 1, done = 0;
    for (const View &view : views)
        passes += view.flip || view.shift != cv::Point();
    const auto step = [&] {
        if (cancel)
            cancel->throwIfCancelled();
    };
    const auto finished = [&] {
        if (progress)
            progress(++done, passes);
    };
    CamResult cam;
    at::Tensor plain;
    std::vector<cv::Mat> maps;
    {
        // Only the network passes need the lock; laying the maps over the
        // image does not.
        std::lock_guard lock(m_impl->mutex);
        FeatureMapFn fast;
        if (m_impl->fast)
            fast = [this](const at::Tensor &x) { return m_impl->fast->features(x); };
        const c10::Device device = m_impl->device;
        step();
        plain = inputTensor(resized, p).to(device);
        cam = classActivationMap(*m_impl->network, plain, targetClass, method, fast);
        finished();
        for (const View &view : views) {
            if (!view.flip && view.shift == cv::Point()) {
                maps.push_back(cam.map);
                continue;
            }
            step();
            maps.push_back(classActivationMap(*m_impl->network,
                                              viewTensor(resized, view, p).to(device),
                                              cam.targetClass,
                                              method,
                                              fast)
                               .map);
            finished();
        }
    }
    cv::Mat heatmap = cv::Mat::zeros(gray.size(), CV_32F);
    for (std::size_t k = 0; k < views.size(); ++k) {
        // Lay each map over the view it came from, then flip it back on the
        // image, not on the cell grid: a grid that is not centred on the
        // input (ResNet50's) is not its own mirror image.
        cv::Mat onImage =
            heatmapOnImage(maps[k], m_impl->grid, p.imageSize, gray.size(), views[k].shift);
        if (views[k].flip)
            cv::flip(onImage, onImage, *views[k].flip);
        heatmap += onImage;
    }
    if (views.size() > 1) {
        double peak = 0;
        cv::minMaxLoc(heatmap, nullptr, &peak);
        if (peak > 0)
            heatmap /= peak;
    }
    Explanation explanation;
    explanation.prediction = fromLogits(cam.logits, m_impl->temperature);
    explanation.prediction.ood = gateScore(cam.featureMap, plain);
    explanation.targetClass = cam.targetClass;
    explanation.heatmap = heatmap;
    return explanation;
}

Prediction Classifier::predict(const cv::Mat &gray) const {
    const torch::Tensor input = inputTensor(gray, m_impl->preprocessing).to(m_impl->device);

    std::lock_guard lock(m_impl->mutex);
    torch::InferenceMode inference; // thread-local: made on the calling thread
    const torch::Tensor features =
        m_impl->fast ? m_impl->fast->features(input) : m_impl->network->features(input);
    Prediction prediction = fromLogits(m_impl->network->classify(features), m_impl->temperature);
    prediction.ood = gateScore(features, input);
    return prediction;
}

Explanation Classifier::explain(const DecodedImage &image,
                                std::optional<int> targetClass,
                                CamMethod method,
                                const CamSmoothing &smoothing,
                                const ProgressFn &progress,
                                const CancelToken *cancel) const {
    Explanation explanation =
        explain(image.pixels, targetClass, method, smoothing, progress, cancel);
    explanation.prediction.concerns = checkInput(image, m_impl->preprocessing.imageSize);
    return explanation;
}

Prediction Classifier::predict(const DecodedImage &image) const {
    Prediction prediction = predict(image.pixels);
    prediction.concerns = checkInput(image, m_impl->preprocessing.imageSize);
    return prediction;
}

Prediction Classifier::predictFile(const std::filesystem::path &image) const {
    return predict(decodeImage(image));
}

std::optional<OodScore> Classifier::gateScore(const at::Tensor &featureMap,
                                              const at::Tensor &input) const {
    if (!m_impl->gate)
        return std::nullopt;
    return OodScore{m_impl->gate->score(gateInputs(featureMap, input))[0],
                    m_impl->gate->threshold()};
}

} // namespace cxr
