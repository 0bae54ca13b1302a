// SPDX-License-Identifier: MIT
#include "train/model_calibration.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "data/task.h"
#include "errors.h"
#include "eval/network_predictions.h"
#include "train/split.h"
#include "train/train_config.h"
#include "train/training_data.h"

namespace cxr {
namespace {

std::vector<std::size_t> inSplit(const DatasetIndex &index, const TaskView &view, Split split) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < index.samples.size(); ++i)
        if (index.samples[i].split == split && view.labels[i] >= 0)
            out.push_back(i);
    return out;
}

} // namespace

ModelImages imagesForModel(const std::string &metadataJson,
                           const std::vector<std::string> &modelClasses,
                           const DatasetIndex &index,
                           Split split) {
    TaskView view = viewForClasses(index, modelClasses);
    TrainConfig config;
    const auto metadata = nlohmann::json::parse(metadataJson, nullptr, false);
    if (metadata.is_object() && metadata.contains("config"))
        config = configFromJson(metadata["config"]);
    // What the model's run left out stays out.
    excludeSamples(index, config.excluded, view);
    ModelImages out;
    out.samples = inSplit(index, view, split);
    if (split == Split::Val && out.samples.empty()) {
        // The run's own validation images: the same carving as training.
        const RunSplit run = splitForTraining(index, view, config.valFraction, config.seed);
        out.train = run.train;
        out.samples = run.val;
        out.description = "the validation images its run carved out of the train split";
        return out;
    }
    out.train = inSplit(index, view, Split::Train);
    out.description = std::string("the ") + splitName(split) + " split";
    return out;
}

ModelCalibration calibrateModel(const std::filesystem::path &model,
                                const DatasetIndex &index,
                                const CalibrationRequest &request,
                                const ProgressFn &progress,
                                const CancelToken *cancel) {
    ModelCalibration out;
    out.checkpoint = loadCheckpoint(model);
    Checkpoint &checkpoint = out.checkpoint;
    Network network = networkFromCheckpoint(checkpoint, model.string());
    const TaskView view = viewForClasses(index, checkpoint.classes);
    const ModelImages images =
        imagesForModel(checkpoint.metadataJson, checkpoint.classes, index, request.split);
    if (images.samples.empty())
        throw Error(std::string("the dataset has no ") + splitName(request.split) +
                    " images for this model");
    out.heldOut = images.description;
    BatchLoader::Options loading;
    loading.preprocessing = checkpoint.preprocessing;
    loading.batchSize = request.batchSize;
    loading.threads = request.loaderThreads;
    std::vector<int> labels;
    for (std::size_t s : images.samples)
        labels.push_back(view.labels[s]);
    const c10::Device cpu(c10::kCPU);
    const Predictions held = predictSamples(
        *network, index, images.samples, labels, loading, LossConfig{}, cpu, cancel, progress);
    out.heldOutImages = held.size();
    ClassGoals goals = request.goals;
    if (goals.empty())
        goals = goalsOf(operatingPointsFromMetadata(checkpoint.metadataJson));
    out.fit = fitOnValidation(
        held.probabilities, held.labels, checkpoint.classes, goals, images.description);
    checkpoint.metadataJson = withValidationFit(checkpoint.metadataJson, out.fit);
    if (request.gate && images.train.size() >= 2) {
        out.gate = fitGate(*network,
                           index,
                           images.train,
                           images.samples,
                           view.labels,
                           static_cast<int>(checkpoint.classes.size()),
                           loading,
                           cpu,
                           cancel);
        checkpoint.oodGate = out.gate->gate.toState();
    }
    return out;
}

} // namespace cxr
