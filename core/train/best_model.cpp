// SPDX-License-Identifier: MIT
#include "train/best_model.h"

#include <sstream>

#include "eval/calibration.h"
#include "eval/curves.h"
#include "eval/gate_fit.h"
#include "eval/network_predictions.h"
#include "weights/checkpoint.h"

namespace cxr {

void summariseTest(Predictions &test,
                   const std::optional<ValidationFit> &fit,
                   std::uint64_t seed,
                   RunSummary &summary) {
    const int classes = test.classes;
    if (fit && !test.empty()) {
        summary.testEce = expectedCalibrationError(test.probabilities, test.labels, classes);
        summary.testReliabilityUncalibrated =
            reliabilityDiagram(test.probabilities, test.labels, classes);
        test.probabilities =
            applyTemperature(test.probabilities, classes, fit->calibration.temperature);
        summary.testEceCalibrated =
            expectedCalibrationError(test.probabilities, test.labels, classes);
    }
    summary.test = test.metrics();
    summary.testIntervals =
        bootstrapIntervals(test.labels, test.probabilities, classes, 1000, seed);
    if (fit) {
        summary.calibration = fit->calibration;
        summary.operatingPoints = fit->points;
        summary.testAtOperatingPoints =
            resultsAt(fit->points, summary.classes, test.labels, test.probabilities);
    }
    if (!test.empty()) {
        summary.testCurves = classCurves(test.labels, test.probabilities, classes);
        summary.testReliability = reliabilityDiagram(test.probabilities, test.labels, classes);
    }
}

void writeTestPredictions(const RunDirectory &run,
                          const DatasetIndex &index,
                          const TrainingData &data,
                          const Predictions &test) {
    if (test.size() != data.split.test.size()) {
        run.log("test_predictions.csv not written: " +
                std::to_string(data.split.test.size() - test.size()) +
                " test images could not be read (see the lines above)");
        return;
    }
    std::vector<TestPrediction> rows;
    const std::size_t k = static_cast<std::size_t>(test.classes);
    for (std::size_t i = 0; i < test.size(); ++i) {
        TestPrediction row;
        row.file = index.relativePath(data.split.test[i]);
        row.label = test.labels[i];
        row.probabilities.assign(test.probabilities.begin() + static_cast<std::ptrdiff_t>(i * k),
                                 test.probabilities.begin() +
                                     static_cast<std::ptrdiff_t>((i + 1) * k));
        rows.push_back(std::move(row));
    }
    run.writeTestPredictions(data.view.classes, rows);
}

RunSummary::Gate storeOodGate(NetworkImpl &network,
                              const DatasetIndex &index,
                              const TrainingData &data,
                              const BatchLoader::Options &loading,
                              c10::Device device,
                              const CancelToken *cancel,
                              Checkpoint &best,
                              std::string &logLine) {
    const GateFit fit = fitGate(network,
                                index,
                                data.split.train,
                                data.split.val,
                                data.view.labels,
                                data.classes(),
                                loading,
                                device,
                                cancel);
    RunSummary::Gate summary;
    summary.trainImages = static_cast<int>(fit.trainImages);
    summary.components = fit.gate.components();
    summary.threshold = fit.gate.threshold();
    summary.thresholdFrom = fit.thresholdFrom;
    summary.views = fit.gate.views();
    const FeatureRows test = collectFeatures(
        network, index, data.split.test, data.labelsOf(data.split.test), loading, device, cancel);
    if (!test.labels.empty())
        for (double score : fit.gate.score(test.inputs))
            summary.testFlagged += score > fit.gate.threshold();
    best.oodGate = fit.gate.toState();
    std::ostringstream line;
    line.precision(3);
    line << "out-of-distribution gate: fitted on " << summary.trainImages << " training images ("
         << summary.components << " components), threshold " << summary.threshold << " ("
         << summary.thresholdFrom << "); it flags " << summary.testFlagged << " of "
         << test.labels.size() << " test images";
    logLine = line.str();
    return summary;
}

} // namespace cxr
