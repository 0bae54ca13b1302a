// SPDX-License-Identifier: MIT
#include "eval/metrics.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "data/transforms.h" // mixSeed

namespace cxr {

// Tied scores get their average rank, which makes the U statistic equal to
// the trapezoidal area under the ROC curve.
double rocAuc(const std::vector<int> &labels,
              const std::vector<float> &probabilities,
              int numClasses,
              int positive) {
    std::vector<std::pair<float, bool>> scored;
    for (std::size_t i = 0; i < labels.size(); ++i)
        scored.emplace_back(probabilities[i * static_cast<std::size_t>(numClasses) +
                                          static_cast<std::size_t>(positive)],
                            labels[i] == positive);
    std::sort(scored.begin(), scored.end(), [](const auto &a, const auto &b) {
        return a.first < b.first;
    });
    double rankSum = 0;
    std::size_t positives = 0;
    for (std::size_t i = 0; i < scored.size();) {
        std::size_t j = i;
        while (j < scored.size() && scored[j].first == scored[i].first)
            ++j;
        const double averageRank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
        for (std::size_t k = i; k < j; ++k)
            if (scored[k].second) {
                rankSum += averageRank;
                ++positives;
            }
        i = j;
    }
    const std::size_t negatives = scored.size() - positives;
    if (positives == 0 || negatives == 0)
        return std::numeric_limits<double>::quiet_NaN();
    const double p = static_cast<double>(positives);
    return (rankSum - p * (p + 1) / 2.0) / (p * static_cast<double>(negatives));
}

double percentileOf(std::vector<double> scores, double percentile) {
    if (scores.empty())
        throw std::invalid_argument("a percentile needs scores");
    std::sort(scores.begin(), scores.end());
    const double position = percentile / 100 * static_cast<double>(scores.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(position));
    const auto hi = std::min(lo + 1, scores.size() - 1);
    return scores[lo] + (scores[hi] - scores[lo]) * (position - static_cast<double>(lo));
}

namespace {

// The `q` quantile (0-1) of the values that are numbers; NaN when none is.
double percentile(std::vector<double> values, double q) {
    values.erase(
        std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
        values.end());
    if (values.empty())
        return std::numeric_limits<double>::quiet_NaN();
    return percentileOf(std::move(values), 100 * q);
}

} // namespace

Metrics computeMetrics(const std::vector<int> &labels,
                       const std::vector<float> &probabilities,
                       int numClasses,
                       double meanLoss) {
    const auto k = static_cast<std::size_t>(numClasses);
    std::vector<std::vector<std::size_t>> confusion(k, std::vector<std::size_t>(k, 0));
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const float *row = probabilities.data() + i * k;
        const auto predicted = static_cast<std::size_t>(std::max_element(row, row + k) - row);
        ++confusion[static_cast<std::size_t>(labels[i])][predicted];
    }
    Metrics m = metricsFromConfusion(confusion, meanLoss);
    for (std::size_t c = 0; c < k; ++c)
        m.perClass[c].auc = rocAuc(labels, probabilities, numClasses, static_cast<int>(c));
    return m;
}

Metrics metricsFromConfusion(const std::vector<std::vector<std::size_t>> &confusion,
                             double meanLoss) {
    const std::size_t k = confusion.size();
    Metrics m;
    m.loss = meanLoss;
    m.confusion = confusion;
    std::size_t correct = 0;
    for (std::size_t t = 0; t < k; ++t)
        for (std::size_t p = 0; p < k; ++p) {
            m.count += confusion[t][p];
            correct += t == p ? confusion[t][p] : 0;
        }
    m.accuracy = m.count ? static_cast<double>(correct) / static_cast<double>(m.count) : 0.0;
    m.perClass.resize(k);
    double recallSum = 0, f1Sum = 0;
    std::size_t present = 0;
    for (std::size_t c = 0; c < k; ++c) {
        ClassMetrics &cm = m.perClass[c];
        std::size_t predictedAs = 0;
        for (std::size_t t = 0; t < k; ++t) {
            cm.support += confusion[c][t];
            predictedAs += confusion[t][c];
        }
        const double tp = static_cast<double>(confusion[c][c]);
        const double fp = static_cast<double>(predictedAs) - tp;
        const double fn = static_cast<double>(cm.support) - tp;
        const double tn = static_cast<double>(m.count) - tp - fp - fn;
        cm.precision = predictedAs ? tp / static_cast<double>(predictedAs) : 0.0;
        cm.recall = cm.support ? tp / static_cast<double>(cm.support) : 0.0;
        cm.specificity = tn + fp > 0 ? tn / (tn + fp) : 0.0;
        cm.npv = tn + fn > 0 ? tn / (tn + fn) : 0.0;
        cm.f1 = cm.precision + cm.recall > 0
                    ? 2 * cm.precision * cm.recall / (cm.precision + cm.recall)
                    : 0.0;
        cm.auc = std::numeric_limits<double>::quiet_NaN(); // needs the probabilities
        if (cm.support > 0) {
            recallSum += cm.recall;
            f1Sum += cm.f1;
            ++present;
        }
    }
    m.balancedAccuracy = present ? recallSum / static_cast<double>(present) : 0.0;
    m.macroF1 = present ? f1Sum / static_cast<double>(present) : 0.0;
    return m;
}

MetricIntervals bootstrapIntervals(const std::vector<int> &labels,
                                   const std::vector<float> &probabilities,
                                   int numClasses,
                                   int iterations,
                                   std::uint64_t seed) {
    const auto k = static_cast<std::size_t>(numClasses);
    const std::size_t n = labels.size();
    constexpr double kAbsent = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> accuracy, balanced, macroF1;
    // Per class, per ClassIntervals field, one value per resample.
    std::vector<std::array<std::vector<double>, 6>> perClass(k);
    std::vector<int> sampleLabels(n);
    std::vector<float> sampleProbabilities(n * k);
    for (int it = 0; it < iterations && n > 0; ++it) {
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t pick = mixSeed(seed, static_cast<std::uint64_t>(it) * n + i) % n;
            sampleLabels[i] = labels[pick];
            std::copy_n(probabilities.begin() + static_cast<std::ptrdiff_t>(pick * k),
                        k,
                        sampleProbabilities.begin() + static_cast<std::ptrdiff_t>(i * k));
        }
        const Metrics m = computeMetrics(sampleLabels, sampleProbabilities, numClasses);
        accuracy.push_back(m.accuracy);
        balanced.push_back(m.balancedAccuracy);
        macroF1.push_back(m.macroF1);
        for (std::size_t c = 0; c < k; ++c) {
            const ClassMetrics &cm = m.perClass[c];
            const bool present = cm.support > 0, othersPresent = cm.support < m.count;
            const double values[6] = {present ? cm.recall : kAbsent,
                                      othersPresent ? cm.specificity : kAbsent,
                                      present ? cm.precision : kAbsent,
                                      othersPresent ? cm.npv : kAbsent,
                                      present ? cm.f1 : kAbsent,
                                      cm.auc};
            for (std::size_t f = 0; f < 6; ++f)
                perClass[c][f].push_back(values[f]);
        }
    }
    const auto interval = [](const std::vector<double> &values) {
        return Interval{percentile(values, 0.025), percentile(values, 0.975)};
    };
    MetricIntervals out;
    out.accuracy = interval(accuracy);
    out.balancedAccuracy = interval(balanced);
    out.macroF1 = interval(macroF1);
    for (std::size_t c = 0; c < k; ++c) {
        const auto &v = perClass[c];
        out.perClass.push_back({interval(v[0]),
                                interval(v[1]),
                                interval(v[2]),
                                interval(v[3]),
                                interval(v[4]),
                                interval(v[5])});
    }
    return out;
}

} // namespace cxr
