// SPDX-License-Identifier: MIT
#include "audit/duplicates.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include <opencv2/core.hpp>
#include <opencv2/flann.hpp>

namespace cxr {
namespace {

constexpr int kProjection = 64; // dimensions of the neighbour search

struct UnionFind {
    explicit UnionFind(std::size_t n) : parent(n) {
        std::iota(parent.begin(), parent.end(), std::size_t{0});
    }
    std::size_t find(std::size_t i) {
        while (parent[i] != i)
            i = parent[i] = parent[parent[i]];
        return i;
    }
    void join(std::size_t a, std::size_t b) {
        a = find(a);
        b = find(b);
        if (a != b)
            parent[std::max(a, b)] = std::min(a, b);
    }
    std::vector<std::size_t> parent;
};

// One survey's detail with the dataset mean taken out, each scale rescaled
// to length 1.
std::vector<float> whitened(const ImageSurvey &survey, const std::vector<float> &mean) {
    std::vector<float> out(survey.detail.size());
    for (int k = 0; k < kDetailScales; ++k) {
        const std::size_t begin = static_cast<std::size_t>(k * kDetailLength);
        double centre = 0;
        for (int i = 0; i < kDetailLength; ++i)
            centre += survey.detail[begin + i] - mean[begin + i];
        centre /= kDetailLength;
        double norm = 0;
        for (int i = 0; i < kDetailLength; ++i) {
            const double v = survey.detail[begin + i] - mean[begin + i] - centre;
            out[begin + i] = static_cast<float>(v);
            norm += v * v;
        }
        norm = std::sqrt(norm);
        if (norm > 1e-12)
            for (int i = 0; i < kDetailLength; ++i)
                out[begin + i] = static_cast<float>(out[begin + i] / norm);
    }
    return out;
}

double bestScaleMatch(const std::vector<float> &a, const std::vector<float> &b) {
    double best = -1;
    for (int i = 0; i < kDetailScales; ++i)
        for (int j = 0; j < kDetailScales; ++j) {
            const float *x = a.data() + i * kDetailLength;
            const float *y = b.data() + j * kDetailLength;
            double dot = 0;
            for (int t = 0; t < kDetailLength; ++t)
                dot += static_cast<double>(x[t]) * y[t];
            best = std::max(best, dot);
        }
    return best;
}

} // namespace

std::vector<float> meanDetail(const std::vector<const ImageSurvey *> &surveys) {
    std::vector<double> sum(static_cast<std::size_t>(kDetailScales * kDetailLength), 0.0);
    std::size_t n = 0;
    for (const ImageSurvey *s : surveys)
        if (s && s->detail.size() == sum.size()) {
            for (std::size_t i = 0; i < sum.size(); ++i)
                sum[i] += s->detail[i];
            ++n;
        }
    std::vector<float> mean(sum.size(), 0.0f);
    for (std::size_t i = 0; n > 0 && i < sum.size(); ++i)
        mean[i] = static_cast<float>(sum[i] / static_cast<double>(n));
    return mean;
}

double duplicateScore(const ImageSurvey &a, const ImageSurvey &b, const std::vector<float> &mean) {
    return bestScaleMatch(whitened(a, mean), whitened(b, mean));
}

std::vector<DuplicateGroup> findDuplicates(const std::vector<const ImageSurvey *> &surveys,
                                           const DuplicateOptions &options) {
    std::vector<std::size_t> usable;
    for (std::size_t i = 0; i < surveys.size(); ++i)
        if (surveys[i] &&
            surveys[i]->detail.size() == static_cast<std::size_t>(kDetailScales * kDetailLength))
            usable.push_back(i);
    UnionFind groups(surveys.size());
    std::vector<double> joinedAt(surveys.size(), 1.0);
    if (usable.size() < 2)
        return {};
    const std::vector<float> mean = meanDetail(surveys);
    std::vector<std::vector<float>> white(usable.size());
    cv::Mat full(static_cast<int>(usable.size()), kDetailLength, CV_32F);
    for (std::size_t u = 0; u < usable.size(); ++u) {
        white[u] = whitened(*surveys[usable[u]], mean);
        std::copy_n(white[u].begin(), kDetailLength, full.ptr<float>(static_cast<int>(u)));
    }
    // Candidates: nearest neighbours of the full-image scale in a PCA
    // projection (a copy is far nearer its original than any other film).
    const int dims = std::min(kProjection, static_cast<int>(usable.size()) - 1);
    cv::Mat projected = full;
    if (dims >= 2) {
        const cv::PCA pca(full, cv::noArray(), cv::PCA::DATA_AS_ROW, dims);
        projected = pca.project(full);
    }
    const int k = std::min(options.neighbours + 1, static_cast<int>(usable.size()));
    cv::Mat indices, distances;
    cv::flann::Index index(projected, cv::flann::KDTreeIndexParams(4));
    index.knnSearch(projected, indices, distances, k, cv::flann::SearchParams(128));
    std::map<std::uint64_t, std::size_t> firstWithPixels;
    for (std::size_t u = 0; u < usable.size(); ++u) {
        const std::size_t i = usable[u];
        const auto [it, fresh] = firstWithPixels.emplace(surveys[i]->exact, i);
        if (!fresh)
            groups.join(it->second, i);
        for (int c = 0; c < k; ++c) {
            const int v = indices.at<int>(static_cast<int>(u), c);
            if (v < 0 || static_cast<std::size_t>(v) <= u)
                continue;
            const double score = bestScaleMatch(white[u], white[static_cast<std::size_t>(v)]);
            if (score >= options.minScore) {
                const std::size_t j = usable[static_cast<std::size_t>(v)];
                groups.join(i, j);
                joinedAt[i] = std::min(joinedAt[i], score);
                joinedAt[j] = std::min(joinedAt[j], score);
            }
        }
    }
    std::map<std::size_t, DuplicateGroup> byRoot;
    for (std::size_t i : usable)
        byRoot[groups.find(i)].members.push_back(i);
    std::vector<DuplicateGroup> out;
    for (auto &[root, group] : byRoot) {
        if (group.members.size() < 2)
            continue;
        group.exact = std::all_of(group.members.begin(), group.members.end(), [&](std::size_t m) {
            return surveys[m]->exact == surveys[group.members.front()]->exact;
        });
        group.score = 1;
        for (std::size_t m : group.members)
            group.score = std::min(group.score, joinedAt[m]);
        out.push_back(std::move(group));
    }
    return out;
}

} // namespace cxr
