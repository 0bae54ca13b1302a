// SPDX-License-Identifier: MIT
#include "audit/dataset_audit.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <opencv2/core.hpp>
#include <opencv2/flann.hpp>

#include "audit/survey_cache.h"
#include "errors.h"
#include "parallel_for.h"

namespace cxr {
namespace {

constexpr int kOutlierNeighbours = 5;

double median(std::vector<double> values) {
    if (values.empty())
        return 0;
    const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), middle, values.end());
    return *middle;
}

// Mean distance of each thumbnail to its nearest others, as a robust z-score.
std::vector<AuditOutlier> findOutliers(const std::vector<const ImageSurvey *> &surveys,
                                       const std::vector<std::size_t> &sampleOf,
                                       const AuditOptions &options) {
    const int n = static_cast<int>(surveys.size());
    if (n <= kOutlierNeighbours + 1)
        return {};
    // Coarse appearance and grey levels, each a vector of length 1.
    const int length = kThumbnailSide * kThumbnailSide + kSurveyHistogramBins;
    cv::Mat rows(n, length, CV_32F);
    for (int i = 0; i < n; ++i) {
        const ImageSurvey &s = *surveys[static_cast<std::size_t>(i)];
        float *row = rows.ptr<float>(i);
        row = std::copy(s.thumbnail.begin(), s.thumbnail.end(), row);
        std::copy(s.histogram.begin(), s.histogram.end(), row);
    }
    cv::Mat indices, distances;
    cv::flann::Index index(rows, cv::flann::KDTreeIndexParams(4));
    index.knnSearch(rows, indices, distances, kOutlierNeighbours + 1, cv::flann::SearchParams(64));
    std::vector<double> score(static_cast<std::size_t>(n), 0.0);
    for (int i = 0; i < n; ++i) {
        double sum = 0;
        for (int k = 1; k <= kOutlierNeighbours; ++k) // column 0 is the image itself
            sum += std::sqrt(std::max(0.0f, distances.at<float>(i, k)));
        score[static_cast<std::size_t>(i)] = sum / kOutlierNeighbours;
    }
    const double centre = median(score);
    std::vector<double> deviation;
    for (double s : score)
        deviation.push_back(std::abs(s - centre));
    const double spread = std::max(1e-9, 1.4826 * median(deviation));
    std::vector<AuditOutlier> out;
    for (int i = 0; i < n; ++i) {
        const double z = (score[static_cast<std::size_t>(i)] - centre) / spread;
        if (z >= options.outlierScore)
            out.push_back({sampleOf[static_cast<std::size_t>(i)], z});
    }
    std::sort(
        out.begin(), out.end(), [](const auto &a, const auto &b) { return a.score > b.score; });
    if (out.size() > options.maxOutliers)
        out.resize(options.maxOutliers);
    return out;
}

template <typename Key> std::vector<std::pair<Key, double>> shares(const std::vector<Key> &values) {
    std::map<Key, std::size_t> counts;
    for (const Key &v : values)
        ++counts[v];
    std::vector<std::pair<Key, double>> out;
    for (const auto &[key, n] : counts)
        out.push_back({key, static_cast<double>(n) / static_cast<double>(values.size())});
    return out;
}

std::vector<ClassProperties> classProperties(const DatasetIndex &index,
                                             const std::vector<const ImageSurvey *> &all) {
    std::vector<ClassProperties> out;
    for (std::size_t c = 0; c < index.classes.size(); ++c) {
        ClassProperties p;
        p.className = index.classes[c];
        std::vector<double> width, height, aspect, intensity, border;
        std::vector<std::string> formats;
        std::vector<int> depths;
        std::size_t marked = 0;
        for (std::size_t i = 0; i < all.size(); ++i) {
            const ImageSurvey *s = all[i];
            if (!s || index.samples[i].label != static_cast<int>(c))
                continue;
            width.push_back(s->width);
            height.push_back(s->height);
            aspect.push_back(s->height > 0 ? double(s->width) / s->height : 0.0);
            intensity.push_back(s->meanIntensity);
            border.push_back(s->borderFraction);
            formats.push_back(s->format);
            depths.push_back(s->bitDepth);
            marked += s->textMarks > 0;
            if (s->textMarks > 0 && p.markedExamples.size() < kMarkedExamples)
                p.markedExamples.push_back(i);
        }
        p.images = width.size();
        p.medianWidth = median(width);
        p.medianHeight = median(height);
        p.medianAspect = median(aspect);
        p.medianIntensity = median(intensity);
        p.medianBorder = median(border);
        p.textMarkShare = p.images ? static_cast<double>(marked) / p.images : 0.0;
        if (!formats.empty()) {
            p.formats = shares(formats);
            p.bitDepths = shares(depths);
        }
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<PatientOverlap> patientsInSeveralSplits(const DatasetIndex &index) {
    std::map<std::string, PatientOverlap> byPatient;
    for (std::size_t i = 0; i < index.samples.size(); ++i) {
        const Sample &s = index.samples[i];
        if (s.patientId.empty())
            continue;
        PatientOverlap &p = byPatient[s.patientId];
        p.patient = s.patientId;
        p.samples.push_back(i);
        if (std::find(p.splits.begin(), p.splits.end(), s.split) == p.splits.end())
            p.splits.push_back(s.split);
    }
    std::vector<PatientOverlap> out;
    for (auto &[id, p] : byPatient)
        if (p.splits.size() > 1) {
            std::sort(p.splits.begin(), p.splits.end());
            out.push_back(std::move(p));
        }
    return out;
}

// Every sample's survey (read from the cache where the file is unchanged,
// decoded on worker threads otherwise), and the reason for each that
// could not be read.
std::vector<std::optional<ImageSurvey>> surveyAll(const DatasetIndex &index,
                                                  const AuditOptions &options,
                                                  const ProgressFn &progress,
                                                  const CancelToken *cancel,
                                                  std::vector<std::string> &problems,
                                                  std::size_t &fromCache) {
    const std::size_t n = index.samples.size();
    std::vector<std::optional<ImageSurvey>> surveys(n);
    problems.assign(n, std::string());
    std::optional<SurveyCache> cache;
    if (!options.cacheFolder.empty())
        cache.emplace(options.cacheFolder, index.root);
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < n; ++i)
        if (cache && (surveys[i] = cache->find(index.samples[i].path)))
            ++fromCache;
        else
            todo.push_back(i);
    parallelFor(
        todo.size(),
        resolveThreadCount(options.threads),
        [&](std::size_t t) {
            const std::size_t i = todo[t];
            try {
                surveys[i] = surveyFile(index.samples[i].path);
            } catch (const std::exception &e) {
                problems[i] = e.what();
            }
        },
        progress,
        cancel);
    if (cache && !todo.empty()) {
        for (std::size_t i : todo)
            if (surveys[i])
                cache->put(index.samples[i].path, *surveys[i]);
        try {
            cache->save(index);
        } catch (const Error &) {
            // A cache that cannot be written costs the next audit time only.
        }
    }
    return surveys;
}

} // namespace

DatasetAudit auditDataset(const DatasetIndex &index,
                          const AuditOptions &options,
                          const ProgressFn &progress,
                          const CancelToken *cancel) {
    const auto start = std::chrono::steady_clock::now();
    DatasetAudit audit;
    const std::size_t n = index.samples.size();
    std::vector<std::string> problems;
    const std::vector<std::optional<ImageSurvey>> surveys =
        surveyAll(index, options, progress, cancel, problems, audit.fromCache);
    std::vector<const ImageSurvey *> all(n, nullptr), read;
    std::vector<std::size_t> sampleOf;
    std::vector<int> labels(n, -1);
    for (std::size_t i = 0; i < n; ++i) {
        if (surveys[i]) {
            all[i] = &*surveys[i];
            read.push_back(all[i]);
            sampleOf.push_back(i);
            labels[i] = index.samples[i].label;
        } else {
            audit.unreadable.push_back({index.samples[i].path, problems[i]});
        }
    }
    audit.images = read.size();
    for (const DuplicateGroup &group : findDuplicates(all, options.duplicates, cancel)) {
        AuditDuplicate d;
        d.samples = group.members;
        d.exact = group.exact;
        d.score = group.score;
        for (std::size_t m : group.members) {
            d.acrossSplits |= index.samples[m].split != index.samples[group.members[0]].split;
            d.conflictingLabels |= index.samples[m].label != index.samples[group.members[0]].label;
        }
        audit.duplicates.push_back(std::move(d));
    }
    audit.patients = patientsInSeveralSplits(index);
    audit.shortcut = findShortcuts(all, labels, static_cast<int>(index.classes.size()));
    audit.classes = classProperties(index, all);
    audit.outliers = findOutliers(read, sampleOf, options);
    audit.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return audit;
}

DatasetAudit::CopyCounts DatasetAudit::copyCounts() const {
    CopyCounts counts;
    counts.groups = duplicates.size();
    for (const AuditDuplicate &d : duplicates) {
        counts.extraCopies += d.samples.size() - 1;
        counts.acrossSplits += d.acrossSplits;
        counts.conflictingLabels += d.conflictingLabels;
    }
    return counts;
}

std::vector<std::string> auditExclusions(const DatasetIndex &index, const DatasetAudit &audit) {
    std::set<std::size_t> excluded;
    for (const AuditDuplicate &d : audit.duplicates) {
        if (d.conflictingLabels) {
            excluded.insert(d.samples.begin(), d.samples.end());
            continue;
        }
        // Keep the copy in the earliest split (a training copy stays, the
        // test copy goes), the first listed among equals.
        const std::size_t keep = *std::min_element(
            d.samples.begin(), d.samples.end(), [&](std::size_t a, std::size_t b) {
                return std::pair(index.samples[a].split, a) < std::pair(index.samples[b].split, b);
            });
        for (std::size_t m : d.samples)
            if (m != keep)
                excluded.insert(m);
    }
    for (const PatientOverlap &p : audit.patients)
        for (std::size_t m : p.samples)
            if (index.samples[m].split != Split::Train)
                excluded.insert(m);
    std::vector<std::string> paths;
    for (std::size_t m : excluded)
        paths.push_back(index.relativePath(m));
    std::sort(paths.begin(), paths.end());
    return paths;
}

std::string exclusionsFileText(const DatasetIndex &index, const std::vector<std::string> &paths) {
    std::string text = "# Images to leave out of training and testing, written by cxr audit\n"
                       "# for the dataset " +
                       index.root.string() +
                       "\n# (copies of one film, films with conflicting labels, and the\n"
                       "# non-training images of patients found in several splits).\n"
                       "# Use: cxr train DATASET --exclude THIS_FILE ...\n";
    for (const std::string &path : paths)
        text += path + "\n";
    return text;
}

std::vector<std::string> readExclusionsFile(const std::filesystem::path &file) {
    std::ifstream in(file);
    if (!in)
        throw Error("cannot read the exclusions file \"" + file.string() + "\"");
    std::vector<std::string> paths;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (!line.empty() && line.front() != '#')
            paths.push_back(line);
    }
    return paths;
}

} // namespace cxr
