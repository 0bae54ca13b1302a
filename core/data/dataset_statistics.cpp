// SPDX-License-Identifier: MIT
#include "data/dataset_statistics.h"

#include <algorithm>
#include <cmath>

#include "data/image_decode.h"
#include "errors.h"
#include "parallel_for.h"

namespace cxr {
namespace {

double median(std::vector<int> values) {
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const std::size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

// Up to `limit` sample indices per class, evenly spaced through the index so
// that a subset still covers every split and source.
std::vector<std::size_t> chooseSamples(const DatasetIndex &index, std::size_t limit) {
    std::vector<std::vector<std::size_t>> byClass(index.classes.size());
    for (std::size_t i = 0; i < index.samples.size(); ++i)
        if (index.samples[i].label >= 0)
            byClass[static_cast<std::size_t>(index.samples[i].label)].push_back(i);
    std::vector<std::size_t> chosen;
    for (const auto &members : byClass) {
        const std::size_t take = limit == 0 ? members.size() : std::min(limit, members.size());
        for (std::size_t k = 0; k < take; ++k)
            chosen.push_back(members[k * members.size() / take]);
    }
    return chosen;
}

} // namespace

std::array<double, kHistogramBins> intensityHistogram(const cv::Mat &gray) {
    std::array<double, kHistogramBins> bins{};
    std::size_t count = 0;
    for (int y = 0; y < gray.rows; ++y) {
        const float *row = gray.ptr<float>(y);
        for (int x = 0; x < gray.cols; ++x) {
            const float v = row[x];
            if (!std::isfinite(v))
                continue;
            const int bin = std::clamp(static_cast<int>(v * kHistogramBins), 0, kHistogramBins - 1);
            bins[static_cast<std::size_t>(bin)] += 1;
            ++count;
        }
    }
    if (count > 0)
        for (double &b : bins)
            b /= static_cast<double>(count);
    return bins;
}

SizeSummary summariseSizes(const DatasetIndex &index) {
    std::vector<int> widths, heights;
    for (const Sample &sample : index.samples)
        if (sample.width > 0 && sample.height > 0) {
            widths.push_back(sample.width);
            heights.push_back(sample.height);
        }
    SizeSummary summary;
    summary.images = widths.size();
    if (widths.empty())
        return summary;
    const auto [minW, maxW] = std::minmax_element(widths.begin(), widths.end());
    const auto [minH, maxH] = std::minmax_element(heights.begin(), heights.end());
    summary.minWidth = *minW;
    summary.maxWidth = *maxW;
    summary.minHeight = *minH;
    summary.maxHeight = *maxH;
    summary.medianWidth = median(widths);
    summary.medianHeight = median(heights);
    return summary;
}

IntensityStatistics computeIntensityStatistics(const DatasetIndex &index,
                                               const IntensityOptions &options) {
    const std::vector<std::size_t> chosen = chooseSamples(index, options.maxImagesPerClass);
    // Each image's histogram goes to its own slot; the reduction below runs
    // in a fixed order, so sums do not depend on thread scheduling.
    std::vector<std::array<double, kHistogramBins>> perImage(chosen.size());
    std::vector<std::string> errors(chosen.size());
    parallelFor(
        chosen.size(),
        options.threads,
        [&](std::size_t k) {
            try {
                perImage[k] = intensityHistogram(decodeImage(index.samples[chosen[k]].path).pixels);
            } catch (const ImageLoadError &e) {
                errors[k] = e.reason();
            }
        },
        options.progress,
        options.cancel);

    IntensityStatistics stats;
    stats.histograms.resize(index.classes.size());
    std::vector<std::array<double, kHistogramBins>> sumSquares(index.classes.size());
    for (std::size_t k = 0; k < chosen.size(); ++k) {
        const Sample &sample = index.samples[chosen[k]];
        if (!errors[k].empty()) {
            stats.failed.push_back({sample.path, errors[k]});
            continue;
        }
        const auto label = static_cast<std::size_t>(sample.label);
        ClassHistogram &h = stats.histograms[label];
        for (int b = 0; b < kHistogramBins; ++b) {
            const double v = perImage[k][static_cast<std::size_t>(b)];
            h.mean[static_cast<std::size_t>(b)] += v;
            sumSquares[label][static_cast<std::size_t>(b)] += v * v;
        }
        ++h.images;
    }
    for (std::size_t c = 0; c < stats.histograms.size(); ++c) {
        ClassHistogram &h = stats.histograms[c];
        if (h.images == 0)
            continue;
        const double n = static_cast<double>(h.images);
        for (std::size_t b = 0; b < kHistogramBins; ++b) {
            h.mean[b] /= n;
            const double variance = sumSquares[c][b] / n - h.mean[b] * h.mean[b];
            h.stddev[b] = std::sqrt(std::max(0.0, variance));
        }
    }
    return stats;
}

} // namespace cxr
