// SPDX-License-Identifier: MIT
#include "audit/duplicates.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>

#include <opencv2/core.hpp>
#include <opencv2/flann.hpp>
#include <opencv2/imgproc.hpp>

#include "parallel_for.h"

namespace cxr {
namespace {

constexpr int kProjection = 64; // dimensions of the neighbour search
// Candidates per image found by each of its smaller scales (crops).
constexpr int kCropNeighbours = 2;
// Scale pairs that are aligned before they are compared: the best few by
// their plain score (a copy's matching scale is nearly always among them;
// bench/audit_crops.py measures what is missed).
constexpr int kAlignedScalePairs = 3;
// The blur (in descriptor pixels) applied to both aligned maps: resampling
// and a residual shift of a fraction of a pixel would otherwise cost a true
// copy more of its score than a different film loses.
constexpr double kAlignedBlur = 0.8;

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

cv::Mat scaleMap(const std::vector<float> &white, int scale) {
    return cv::Mat(kDetailSide,
                   kDetailSide,
                   CV_32F,
                   const_cast<float *>(white.data() + scale * kDetailLength));
}

cv::Mat translated(const cv::Mat &map, cv::Point2d by) {
    const cv::Mat shift = (cv::Mat_<double>(2, 3) << 1, 0, by.x, 0, 1, by.y);
    cv::Mat out;
    cv::warpAffine(map, out, shift, map.size(), cv::INTER_CUBIC, cv::BORDER_CONSTANT, 0);
    cv::GaussianBlur(out, out, cv::Size(0, 0), kAlignedBlur);
    return out;
}

// The correlation of two maps after the shift phase correlation finds
// between them is undone, half on each side so that both are resampled
// alike; -1 when the shift exceeds maxShift. Compared on the interior,
// which both maps still cover.
double alignedCorrelation(const cv::Mat &a, const cv::Mat &b, double maxShift) {
    const cv::Point2d shift = cv::phaseCorrelate(a, b);
    if (std::abs(shift.x) > maxShift || std::abs(shift.y) > maxShift)
        return -1;
    const cv::Mat x = translated(a, shift * 0.5), y = translated(b, shift * -0.5);
    const int margin = static_cast<int>(std::ceil(maxShift));
    const cv::Rect inner(margin, margin, kDetailSide - 2 * margin, kDetailSide - 2 * margin);
    const double xy = x(inner).dot(y(inner)), xx = x(inner).dot(x(inner)),
                 yy = y(inner).dot(y(inner));
    return xx > 0 && yy > 0 ? xy / std::sqrt(xx * yy) : -1;
}

// The best match over every pair of scales, plain, and after aligning the
// best few pairs (a crop from one side or corner shifts the film as well as
// scaling it).
double bestScaleMatch(const std::vector<float> &a, const std::vector<float> &b, double maxShift) {
    std::vector<std::pair<double, std::pair<int, int>>> plain;
    for (int i = 0; i < kDetailScales; ++i)
        for (int j = 0; j < kDetailScales; ++j) {
            const float *x = a.data() + i * kDetailLength;
            const float *y = b.data() + j * kDetailLength;
            double dot = 0;
            for (int t = 0; t < kDetailLength; ++t)
                dot += static_cast<double>(x[t]) * y[t];
            plain.push_back({dot, {i, j}});
        }
    double best = -1;
    for (const auto &p : plain)
        best = std::max(best, p.first);
    // Aligned: the full image of one against each scale of the other (one
    // pair per relative scale), the best few by their plain score.
    std::vector<std::pair<double, std::pair<int, int>>> relative;
    for (const auto &p : plain)
        if (p.second.first == 0 || p.second.second == 0)
            relative.push_back(p);
    const std::size_t aligned = std::min<std::size_t>(kAlignedScalePairs, relative.size());
    std::partial_sort(relative.begin(),
                      relative.begin() + static_cast<std::ptrdiff_t>(aligned),
                      relative.end(),
                      [](const auto &l, const auto &r) { return l.first > r.first; });
    for (std::size_t p = 0; maxShift > 0 && p < aligned; ++p) {
        const auto [i, j] = relative[p].second;
        best = std::max(best, alignedCorrelation(scaleMap(a, i), scaleMap(b, j), maxShift));
    }
    return best;
}

// A row per image: its scale `scale`, blurred a little (so that a shifted
// copy stays near).
cv::Mat blurredScale(const std::vector<std::vector<float>> &white, int scale) {
    cv::Mat rows(static_cast<int>(white.size()), kDetailLength, CV_32F);
    for (int u = 0; u < rows.rows; ++u) {
        cv::Mat row = rows.row(u).reshape(1, kDetailSide);
        cv::GaussianBlur(
            scaleMap(white[static_cast<std::size_t>(u)], scale), row, cv::Size(0, 0), kAlignedBlur);
    }
    return rows;
}

// Pairs (i < j) worth scoring: each image's nearest neighbours by the full
// image, projected on its leading principal components; and, for crops,
// the images whose full image is nearest to one of its central crops. A
// copy is far nearer its original than any other film is.
std::vector<std::pair<std::size_t, std::size_t>>
candidatePairs(const std::vector<std::vector<float>> &white, int neighbours) {
    const int n = static_cast<int>(white.size());
    const cv::Mat full = blurredScale(white, 0);
    const int dims = std::min(kProjection, n - 1);
    std::optional<cv::PCA> pca;
    if (dims >= 2)
        pca.emplace(full, cv::noArray(), cv::PCA::DATA_AS_ROW, dims);
    const auto project = [&](const cv::Mat &rows) { return pca ? pca->project(rows) : rows; };
    const cv::Mat indexed = project(full);
    cv::flann::Index index(indexed, cv::flann::KDTreeIndexParams(4));
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    for (int scale = 0; scale < kDetailScales; ++scale) {
        const cv::Mat queries = scale == 0 ? indexed : project(blurredScale(white, scale));
        const int k = std::min(scale == 0 ? neighbours + 1 : kCropNeighbours + 1, n);
        cv::Mat indices, distances;
        index.knnSearch(queries, indices, distances, k, cv::flann::SearchParams(128));
        for (int u = 0; u < n; ++u)
            for (int c = 0; c < k; ++c) {
                const int v = indices.at<int>(u, c);
                if (v >= 0 && v != u)
                    pairs.push_back({static_cast<std::size_t>(std::min(u, v)),
                                     static_cast<std::size_t>(std::max(u, v))});
            }
    }
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    return pairs;
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
    return bestScaleMatch(whitened(a, mean), whitened(b, mean), DuplicateOptions{}.maxShift);
}

std::vector<DuplicateGroup> findDuplicates(const std::vector<const ImageSurvey *> &surveys,
                                           const DuplicateOptions &options,
                                           const CancelToken *cancel) {
    std::vector<std::size_t> usable;
    for (std::size_t i = 0; i < surveys.size(); ++i)
        if (surveys[i] &&
            surveys[i]->detail.size() == static_cast<std::size_t>(kDetailScales * kDetailLength))
            usable.push_back(i);
    if (usable.size() < 2)
        return {};
    const std::vector<float> mean = meanDetail(surveys);
    std::vector<std::vector<float>> white(usable.size());
    for (std::size_t u = 0; u < usable.size(); ++u)
        white[u] = whitened(*surveys[usable[u]], mean);
    const std::vector<std::pair<std::size_t, std::size_t>> pairs =
        candidatePairs(white, options.neighbours);
    std::vector<double> scores(pairs.size());
    parallelFor(
        pairs.size(),
        0,
        [&](std::size_t p) {
            scores[p] =
                bestScaleMatch(white[pairs[p].first], white[pairs[p].second], options.maxShift);
        },
        {},
        cancel);

    UnionFind groups(surveys.size());
    std::vector<double> joinedAt(surveys.size(), 1.0);
    std::map<std::uint64_t, std::size_t> firstWithPixels;
    for (std::size_t i : usable) {
        const auto [it, fresh] = firstWithPixels.emplace(surveys[i]->exact, i);
        if (!fresh)
            groups.join(it->second, i);
    }
    for (std::size_t p = 0; p < pairs.size(); ++p)
        if (scores[p] >= options.minScore) {
            const std::size_t i = usable[pairs[p].first], j = usable[pairs[p].second];
            groups.join(i, j);
            joinedAt[i] = std::min(joinedAt[i], scores[p]);
            joinedAt[j] = std::min(joinedAt[j], scores[p]);
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
