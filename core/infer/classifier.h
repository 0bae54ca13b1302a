// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "data/transforms.h"
#include "explain/cam_method.h"
#include "infer/input_checks.h"
#include "progress.h"

namespace at {
class Tensor;
}

namespace cxr {

// An image's out-of-distribution score (infer/ood_gate.h): about 1 for a
// typical training image; above the threshold, the image does not look
// like the training images.
struct OodScore {
    double score = 0, threshold = 0;
    bool flagged() const { return score > threshold; }
};

// One image's result: a probability per class (softmax over the logits).
struct Prediction {
    std::vector<float> probabilities; // same order as Classifier::classes()
    int label = -1;                   // index of the largest probability
    std::optional<OodScore> ood;      // for models with a gate
    std::vector<InputCheck> concerns; // from the file itself (predict of a DecodedImage)
    // Whether the probabilities describe an image like the training images:
    // no concern and, where the model has a gate, not flagged by it.
    bool inDistribution() const { return concerns.empty() && !(ood && ood->flagged()); }
    // The reasons it is not, in plain words (empty when inDistribution()).
    std::vector<std::string> warnings() const;
};

// A prediction with the class activation map that explains it.
struct Explanation {
    Prediction prediction;
    int targetClass = 0; // the class the heatmap is for
    cv::Mat heatmap;     // CV_32FC1 in [0, 1], the size of the input image
};

// A trained model ready to classify images: loaded once from a checkpoint,
// preprocessing and calibration exactly as stored in it. No LibTorch types in this header,
// so the UI can hold one. Thread-safe: calls are serialised internally, so
// one worker thread can classify while another thread asks for classes().
// Owns its own copy of the network, never shared with a training run.
class Classifier {
  public:
    // Throws ModelError naming the file when it is not a usable checkpoint,
    // Error for a device that does not exist (see resolveDevice). On the
    // CPU the inference engine (folded, oneDNN) runs the backbone; on other
    // devices the plain network does.
    static Classifier load(const std::filesystem::path &checkpoint,
                           const std::string &device = "cpu");

    Classifier(Classifier &&) noexcept;
    Classifier &operator=(Classifier &&) noexcept;
    ~Classifier();

    const std::vector<std::string> &classes() const;
    const Preprocessing &preprocessing() const;
    const std::string &architecture() const;
    // The temperature its probabilities are scaled by (softmax(logits / T)),
    // fitted on validation images and stored in the model; 1 for a model
    // without calibration. See eval/calibration.h.
    double temperature() const;
    // Whether the model carries an out-of-distribution gate (models trained
    // by this version on, or given one by `cxr calibrate`).
    bool hasOodGate() const;

    // Classifies a decoded image (CV_32FC1 in [0, 1], any size), with its
    // gate score where the model has a gate.
    Prediction predict(const cv::Mat &gray) const;
    // The same, after the input checks of the file (colour, size, ...).
    Prediction predict(const DecodedImage &image) const;
    // Decodes, checks and classifies a file. Throws ImageLoadError for a bad image.
    Prediction predictFile(const std::filesystem::path &image) const;

    // Classifies and explains: the heatmap of `targetClass` (default: the
    // top-1 class) by `method`, laid over the image at its size, and
    // averaged over the flipped and shifted views `smoothing` names
    // (test-time smoothing: one network pass per view; the prediction is
    // always the image's own). Throws std::invalid_argument for a target
    // class out of range or shifts outside 1..CamSmoothing::kMaxShifts.
    // A smoothed explanation takes one pass per view (all flips with 4 x 4
    // shifts: 64), so `progress` hears of each finished pass and `cancel`
    // is checked before each (Cancelled is thrown).
    Explanation explain(const cv::Mat &gray,
                        std::optional<int> targetClass = std::nullopt,
                        CamMethod method = CamMethod::GradCam,
                        const CamSmoothing &smoothing = {},
                        const ProgressFn &progress = {},
                        const CancelToken *cancel = nullptr) const;

    // The same for a decoded file, with the input checks of predict().
    Explanation explain(const DecodedImage &image,
                        std::optional<int> targetClass = std::nullopt,
                        CamMethod method = CamMethod::GradCam,
                        const CamSmoothing &smoothing = {},
                        const ProgressFn &progress = {},
                        const CancelToken *cancel = nullptr) const;

    // The index of a class name, or -1.
    int classIndex(const std::string &name) const;

  private:
    struct Impl;
    std::optional<OodScore> gateScore(const at::Tensor &featureMap, const at::Tensor &input) const;
    explicit Classifier(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace cxr
