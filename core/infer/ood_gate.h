// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "weights/state_dict.h"

namespace cxr {

// What the out-of-distribution gate looks at for N images.
struct GateInputs {
    at::Tensor features;   // N x C: the last feature map's mean over positions
    at::Tensor spread;     // N x C: its standard deviation over positions
    at::Tensor appearance; // N x 256: the network's input at 16 x 16, mean 0, length 1

    std::int64_t rows() const { return features.defined() ? features.size(0) : 0; }
    // The given rows of each part.
    GateInputs select(const std::vector<std::int64_t> &rows) const;
    // The parts' rows, in order (an empty GateInputs for no parts).
    static GateInputs concat(const std::vector<GateInputs> &parts);
};

// The gate's inputs from the last feature map (N x C x h x w) and the
// network's input (N x channels x S x S), on the CPU in float64.
GateInputs gateInputs(const at::Tensor &featureMap, const at::Tensor &networkInput);

// Does an image look like the images the model was trained on? A network
// gives a probability for anything, a folder icon included; this gate
// measures how far the image lies from the training images in three
// views, and adds the three distances:
// - the pooled features (Lee et al. 2018, "A Simple Unified Framework for
//   Detecting Out-of-Distribution Samples and Adversarial Attacks": the
//   Mahalanobis distance to the nearest class mean under one covariance
//   shared by the classes);
// - how the features vary over the image (their spread over positions),
//   which pooling alone throws away;
// - the image's coarse appearance (16 x 16 pixels): a film turned on its
//   side or inverted keeps much of its texture, but not its layout.
//
// With a few hundred training images and 1,024 or 2,048 features the
// covariance cannot be estimated in full, so it is the probabilistic-PCA
// form: the leading principal directions of the within-class scatter keep
// their own variances, and the rest share one (their mean). Directions the
// training images never vary in therefore cost a lot, which is what sets
// foreign images apart. Each distance is divided by its dimension count.
//
// The threshold is set by the caller (eval/gate_fit.h): a high percentile
// of the scores of images like the training images but not fitted on.
class OodGate {
  public:
    // Fits to the inputs of training images and their labels
    // (0..classes-1; a class without images has no mean). Throws
    // std::invalid_argument with fewer than two images or labels out of range.
    static OodGate fit(const GateInputs &inputs, const std::vector<int> &labels, int classes);

    // The gate stored in a model file, if any and whole (nullopt otherwise).
    // A gate stored before spread and appearance were measured scores the
    // features alone, against its own threshold.
    static std::optional<OodGate> fromState(const StateDict &state);
    StateDict toState() const;

    // One score per row.
    std::vector<double> score(const GateInputs &inputs) const;

    void setThreshold(double threshold) { m_threshold = threshold; }
    double threshold() const { return m_threshold; }
    int trainImages() const { return m_trainImages; }
    // Principal directions kept for the features.
    int components() const;
    int featureCount() const;
    // Whether spread and appearance are measured too.
    bool seesLayout() const { return m_spread.has_value(); }
    // "features", then "spread" and "appearance" when it sees layout.
    std::vector<std::string> views() const;

    // One view's class means and shared covariance.
    struct Gaussian {
        at::Tensor means;     // K x D, classes with images only
        at::Tensor basis;     // D x k, leading directions of the shared covariance
        at::Tensor variances; // k
        double residualVariance = 1;
    };

  private:
    Gaussian m_features;
    std::optional<Gaussian> m_spread, m_appearance;
    double m_threshold = 0;
    int m_trainImages = 0;
};

} // namespace cxr
