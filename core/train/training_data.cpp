// SPDX-License-Identifier: MIT
#include "train/training_data.h"

#include <algorithm>
#include <set>

#include "errors.h"
#include "sha256.h"

namespace cxr {

std::vector<int> TrainingData::labelsOf(const std::vector<std::size_t> &samples) const {
    std::vector<int> out;
    out.reserve(samples.size());
    for (std::size_t i : samples)
        out.push_back(view.labels[i]);
    return out;
}

std::vector<std::size_t> TrainingData::allSamples() const {
    std::vector<std::size_t> all = split.train;
    all.insert(all.end(), split.val.begin(), split.val.end());
    all.insert(all.end(), split.test.begin(), split.test.end());
    return all;
}

std::size_t excludeSamples(const DatasetIndex &index,
                           const std::vector<std::string> &excluded,
                           TaskView &view) {
    if (excluded.empty())
        return 0;
    const std::set<std::string> paths(excluded.begin(), excluded.end());
    std::size_t found = 0;
    for (std::size_t i = 0; i < index.samples.size() && i < view.labels.size(); ++i)
        if (paths.count(index.relativePath(i))) {
            view.labels[i] = -1;
            ++found;
        }
    return found;
}

TrainingData prepareTrainingData(const DatasetIndex &index, const TrainConfig &config) {
    TrainingData data;
    data.view = viewForTask(index, config.task);
    data.excluded = excludeSamples(index, config.excluded, data.view);
    data.split = splitForTraining(index, data.view, config.valFraction, config.seed);
    if (data.split.train.empty())
        throw Error("the dataset has no training images for the " +
                    std::string(taskName(config.task)) + " task");
    std::vector<std::size_t> perClass(data.view.classes.size(), 0);
    for (std::size_t i : data.split.train)
        ++perClass[static_cast<std::size_t>(data.view.labels[i])];
    for (std::size_t c = 0; c < perClass.size(); ++c)
        if (perClass[c] == 0)
            throw Error("the training split has no images of class " + data.view.classes[c]);
    return data;
}

std::string datasetFingerprint(const DatasetIndex &index) {
    std::vector<std::string> lines;
    lines.reserve(index.samples.size());
    for (std::size_t i = 0; i < index.samples.size(); ++i) {
        const Sample &sample = index.samples[i];
        const std::string className =
            sample.label >= 0 && static_cast<std::size_t>(sample.label) < index.classes.size()
                ? index.classes[static_cast<std::size_t>(sample.label)]
                : std::string();
        lines.push_back(index.relativePath(i) + '\t' + className + '\t' + splitName(sample.split) +
                        '\t' + std::to_string(sample.width) + 'x' + std::to_string(sample.height) +
                        '\n');
    }
    std::sort(lines.begin(), lines.end());
    Sha256 hash;
    for (const std::string &line : lines)
        hash.add(line);
    return hash.hex();
}

std::optional<std::string> datasetChangeNote(const std::filesystem::path &runDir,
                                             const DatasetIndex &index) {
    const std::optional<RunDataset> recorded = RunDirectory::readDataset(runDir);
    if (!recorded || recorded->fingerprint == datasetFingerprint(index))
        return std::nullopt;
    return "the dataset differs from the one this run started on (" + recorded->root.string() +
           ", fingerprint " + recorded->fingerprint.substr(0, 12) +
           "): images were added, removed, relabelled or resized since";
}

RunDataset describeRunDataset(const DatasetIndex &index, const TrainingData &data) {
    RunDataset dataset;
    std::error_code error;
    dataset.root = std::filesystem::weakly_canonical(std::filesystem::absolute(index.root), error);
    if (error)
        dataset.root = index.root;
    dataset.layout = layoutName(index.layout);
    dataset.fingerprint = datasetFingerprint(index);
    dataset.rejected = index.rejected.size();
    dataset.classes = data.view.classes;
    for (const std::vector<std::size_t> *split :
         {&data.split.train, &data.split.val, &data.split.test}) {
        std::vector<std::size_t> counts(dataset.classes.size(), 0);
        for (int label : data.labelsOf(*split))
            if (label >= 0 && static_cast<std::size_t>(label) < counts.size())
                ++counts[static_cast<std::size_t>(label)];
        dataset.counts.push_back(std::move(counts));
    }
    return dataset;
}

std::vector<std::size_t> pick(const std::vector<std::size_t> &from,
                              const std::vector<std::size_t> &order) {
    std::vector<std::size_t> out;
    out.reserve(order.size());
    for (std::size_t i : order)
        out.push_back(from[i]);
    return out;
}

} // namespace cxr
