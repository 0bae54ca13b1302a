// SPDX-License-Identifier: MIT
#include "eval/evaluation.h"

#include "compute_threads.h"
#include "data/task.h"
#include "errors.h"
#include "eval/calibration.h"
#include "eval/network_predictions.h"
#include "models/device.h"
#include "weights/checkpoint.h"

namespace cxr {

Evaluation evaluateModel(const std::filesystem::path &model,
                         const DatasetIndex &index,
                         Split split,
                         const EvaluationOptions &options,
                         const ProgressFn &progress,
                         const CancelToken *cancel) {
    std::vector<std::size_t> samples;
    for (std::size_t i = 0; i < index.samples.size(); ++i)
        if (index.samples[i].split == split)
            samples.push_back(i);
    return evaluateModel(loadCheckpoint(model),
                         model.string(),
                         index,
                         samples,
                         std::string("the ") + splitName(split) + " split",
                         options,
                         progress,
                         cancel);
}

Evaluation evaluateModel(const Checkpoint &checkpoint,
                         const std::string &source,
                         const DatasetIndex &index,
                         const std::vector<std::size_t> &chosen,
                         const std::string &what,
                         const EvaluationOptions &options,
                         const ProgressFn &progress,
                         const CancelToken *cancel) {
    const ComputeThreadScope threads(options.threads);
    const c10::Device device = resolveDevice(options.device);
    Network network = networkFromCheckpoint(checkpoint, source);
    network->to(device);
    const TaskView view = viewForClasses(index, checkpoint.classes);
    std::vector<std::size_t> samples;
    std::vector<int> labels;
    for (std::size_t i : chosen)
        if (i < index.samples.size() && view.labels[i] >= 0) {
            samples.push_back(i);
            labels.push_back(view.labels[i]);
        }
    if (samples.empty())
        throw Error("the dataset has no images for this model in " + what);

    Evaluation evaluation;
    evaluation.classes = checkpoint.classes;
    evaluation.evaluatedOn = what;
    BatchLoader::Options loading;
    loading.preprocessing = checkpoint.preprocessing;
    loading.batchSize = options.batchSize;
    loading.threads = options.loaderThreads;
    std::vector<std::filesystem::path> skippedFiles;
    loading.onSkipped = [&skippedFiles](const std::filesystem::path &file, const std::string &) {
        skippedFiles.push_back(file);
    };
    evaluation.predictions = predictSamples(
        *network, index, samples, labels, loading, LossConfig{}, device, cancel, progress);
    evaluation.skipped = skippedFiles.size();
    for (std::size_t i : samples) {
        const auto &path = index.samples[i].path;
        if (std::find(skippedFiles.begin(), skippedFiles.end(), path) == skippedFiles.end())
            evaluation.images.push_back(path);
    }
    const int classes = static_cast<int>(checkpoint.classes.size());
    Predictions &outputs = evaluation.predictions;
    evaluation.calibration = calibrationFromMetadata(checkpoint.metadataJson);
    evaluation.uncalibratedProbabilities = outputs.probabilities;
    evaluation.eceUncalibrated =
        expectedCalibrationError(outputs.probabilities, outputs.labels, classes);
    if (evaluation.calibration)
        outputs.probabilities =
            applyTemperature(outputs.probabilities, classes, evaluation.calibration->temperature);
    evaluation.ece = expectedCalibrationError(outputs.probabilities, outputs.labels, classes);
    evaluation.metrics = outputs.metrics();
    evaluation.intervals = bootstrapIntervals(outputs.labels, outputs.probabilities, classes);
    evaluation.curves = classCurves(outputs.labels, outputs.probabilities, classes);
    evaluation.operatingPoints = operatingPointsFromMetadata(checkpoint.metadataJson);
    evaluation.atOperatingPoints = resultsAt(
        evaluation.operatingPoints, evaluation.classes, outputs.labels, outputs.probabilities);
    return evaluation;
}

} // namespace cxr
