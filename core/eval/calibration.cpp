// SPDX-License-Identifier: MIT
#include "eval/calibration.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

namespace cxr {
namespace {

constexpr double kFloor = 1e-30;

// log p of one row, scaled by 1/T, as a softmax's log-probabilities.
std::vector<double> scaledLogRow(const float *row, std::size_t k, double inverse) {
    std::vector<double> z(k);
    double top = -1e300;
    for (std::size_t c = 0; c < k; ++c) {
        z[c] = std::log(std::max(static_cast<double>(row[c]), kFloor)) * inverse;
        top = std::max(top, z[c]);
    }
    double sum = 0;
    for (double v : z)
        sum += std::exp(v - top);
    const double logSum = top + std::log(sum);
    for (double &v : z)
        v -= logSum;
    return z;
}

} // namespace

std::vector<ReliabilityBin> reliabilityDiagram(const std::vector<float> &probabilities,
                                               const std::vector<int> &labels,
                                               int classes,
                                               int bins) {
    const auto k = static_cast<std::size_t>(classes);
    std::vector<ReliabilityBin> diagram(static_cast<std::size_t>(bins));
    for (int b = 0; b < bins; ++b) {
        diagram[static_cast<std::size_t>(b)].lower = static_cast<double>(b) / bins;
        diagram[static_cast<std::size_t>(b)].upper = static_cast<double>(b + 1) / bins;
    }
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const float *row = probabilities.data() + i * k;
        const auto top = static_cast<std::size_t>(std::max_element(row, row + k) - row);
        const double confidence = row[top];
        const auto b = std::min(static_cast<std::size_t>(confidence * bins),
                                static_cast<std::size_t>(bins - 1));
        ReliabilityBin &bin = diagram[b];
        ++bin.count;
        bin.confidence += confidence;
        bin.accuracy += static_cast<int>(top) == labels[i] ? 1.0 : 0.0;
    }
    for (ReliabilityBin &bin : diagram)
        if (bin.count > 0) {
            bin.confidence /= static_cast<double>(bin.count);
            bin.accuracy /= static_cast<double>(bin.count);
        }
    return diagram;
}

double expectedCalibrationError(const std::vector<float> &probabilities,
                                const std::vector<int> &labels,
                                int classes,
                                int bins) {
    if (labels.empty())
        return 0.0;
    double error = 0;
    for (const ReliabilityBin &bin : reliabilityDiagram(probabilities, labels, classes, bins))
        error += static_cast<double>(bin.count) * std::abs(bin.accuracy - bin.confidence);
    return error / static_cast<double>(labels.size());
}

double negativeLogLikelihood(const std::vector<float> &probabilities,
                             const std::vector<int> &labels,
                             int classes,
                             double temperature) {
    const auto k = static_cast<std::size_t>(classes);
    double sum = 0;
    for (std::size_t i = 0; i < labels.size(); ++i)
        sum -= scaledLogRow(probabilities.data() + i * k,
                            k,
                            1.0 / temperature)[static_cast<std::size_t>(labels[i])];
    return labels.empty() ? 0.0 : sum / static_cast<double>(labels.size());
}

double fitTemperature(const std::vector<float> &probabilities,
                      const std::vector<int> &labels,
                      int classes) {
    if (labels.empty())
        return 1.0;
    // The likelihood is convex in the inverse temperature b = 1/T (a
    // log-sum-exp of terms linear in b, minus a linear term).
    const auto loss = [&](double b) {
        return negativeLogLikelihood(probabilities, labels, classes, 1.0 / b);
    };
    double low = 1.0 / 20.0, high = 1.0 / 0.05;
    const double ratio = (std::sqrt(5.0) - 1.0) / 2.0;
    double a = high - ratio * (high - low), b = low + ratio * (high - low);
    double fa = loss(a), fb = loss(b);
    for (int step = 0; step < 80 && high - low > 1e-6; ++step) {
        if (fa < fb) {
            high = b;
            b = a;
            fb = fa;
            a = high - ratio * (high - low);
            fa = loss(a);
        } else {
            low = a;
            a = b;
            fa = fb;
            b = low + ratio * (high - low);
            fb = loss(b);
        }
    }
    return 1.0 / ((low + high) / 2.0);
}

std::vector<float>
applyTemperature(const std::vector<float> &probabilities, int classes, double temperature) {
    const auto k = static_cast<std::size_t>(classes);
    std::vector<float> out(probabilities.size());
    for (std::size_t i = 0; k > 0 && i < probabilities.size() / k; ++i) {
        const std::vector<double> z =
            scaledLogRow(probabilities.data() + i * k, k, 1.0 / temperature);
        for (std::size_t c = 0; c < k; ++c)
            out[i * k + c] = static_cast<float>(std::exp(z[c]));
    }
    return out;
}

Calibration calibrate(const std::vector<float> &probabilities,
                      const std::vector<int> &labels,
                      int classes,
                      const std::string &fittedOn) {
    Calibration c;
    c.fittedOn = fittedOn;
    c.images = labels.size();
    c.temperature = fitTemperature(probabilities, labels, classes);
    c.eceBefore = expectedCalibrationError(probabilities, labels, classes);
    c.eceAfter = expectedCalibrationError(
        applyTemperature(probabilities, classes, c.temperature), labels, classes);
    return c;
}

std::optional<Calibration> calibrationFromMetadata(const std::string &metadataJson) {
    const nlohmann::json metadata = nlohmann::json::parse(metadataJson, nullptr, false);
    if (metadata.is_discarded() || !metadata.is_object() || !metadata.contains("calibration"))
        return std::nullopt;
    const nlohmann::json &c = metadata["calibration"];
    if (!c.is_object() || !c.contains("temperature") || !c["temperature"].is_number())
        return std::nullopt;
    Calibration calibration;
    calibration.temperature = c["temperature"].get<double>();
    if (!(calibration.temperature >= 0.05 && calibration.temperature <= 20))
        return std::nullopt; // a value no fit gives: not ours, or damaged
    calibration.fittedOn = c.value("fitted_on", std::string());
    calibration.images = c.value("images", std::size_t{0});
    calibration.eceBefore = c.value("ece_before", 0.0);
    calibration.eceAfter = c.value("ece_after", 0.0);
    return calibration;
}

std::string withCalibration(const std::string &metadataJson, const Calibration &calibration) {
    nlohmann::json metadata = nlohmann::json::parse(metadataJson, nullptr, false);
    if (metadata.is_discarded() || !metadata.is_object())
        metadata = nlohmann::json::object();
    metadata["calibration"] = {{"temperature", calibration.temperature},
                               {"fitted_on", calibration.fittedOn},
                               {"images", calibration.images},
                               {"ece_before", calibration.eceBefore},
                               {"ece_after", calibration.eceAfter}};
    return metadata.dump();
}

} // namespace cxr
