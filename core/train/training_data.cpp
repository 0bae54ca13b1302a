// SPDX-License-Identifier: MIT
#include "train/training_data.h"

#include "errors.h"

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

TrainingData prepareTrainingData(const DatasetIndex &index, const TrainConfig &config) {
    TrainingData data;
    data.view = viewForTask(index, config.task);
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

std::vector<std::size_t> pick(const std::vector<std::size_t> &from,
                              const std::vector<std::size_t> &order) {
    std::vector<std::size_t> out;
    out.reserve(order.size());
    for (std::size_t i : order)
        out.push_back(from[i]);
    return out;
}

} // namespace cxr
