// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "weights/state_dict.h"

namespace cxr {

// Does an image look like the images the model was trained on? A network
// gives a probability for anything, a folder icon included; this gate
// measures how far the image's pooled features lie from the training
// images' (Lee et al. 2018, "A Simple Unified Framework for Detecting
// Out-of-Distribution Samples and Adversarial Attacks": the Mahalanobis
// distance to the nearest class mean under one covariance shared by the
// classes).
//
// With a few hundred training images and 1,024 or 2,048 features the
// covariance cannot be estimated in full, so it is the probabilistic-PCA
// form: the leading principal directions of the within-class scatter keep
// their own variances, and the rest share one (their mean). Directions the
// training images never vary in therefore cost a lot, which is what sets
// foreign images apart. Scores are divided by the feature count, so a
// typical training image scores about 1.
//
// The threshold is a percentile of held-out (validation) images' scores:
// at the 99th, about one in a hundred images like the training images is
// flagged.
class OodGate {
  public:
    // Fits to N x D features (any float type) of training images and their
    // labels (0..classes-1; a class without images has no mean). Throws
    // std::invalid_argument with fewer than two images or labels out of range.
    static OodGate fit(const at::Tensor &features, const std::vector<int> &labels, int classes);

    // The gate stored in a model file, if any and whole (nullopt otherwise).
    static std::optional<OodGate> fromState(const StateDict &state);
    StateDict toState() const;

    // One score per row of N x D features.
    std::vector<double> score(const at::Tensor &features) const;

    // Sets the threshold to the `percentile` (0-100) of these scores.
    void setThreshold(const std::vector<double> &heldOutScores, double percentile = 99);
    double threshold() const { return m_threshold; }
    int trainImages() const { return m_trainImages; }
    int components() const;
    int featureCount() const;

  private:
    at::Tensor m_means;     // K x D, classes with images only
    at::Tensor m_basis;     // D x k, leading directions of the shared covariance
    at::Tensor m_variances; // k
    double m_residualVariance = 1;
    double m_threshold = 0;
    int m_trainImages = 0;
};

} // namespace cxr
