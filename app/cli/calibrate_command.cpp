// SPDX-License-Identifier: MIT
// `cxr calibrate MODEL.pt DATASET (--out FILE | --in-place) [--split val]
//  [--goal CLASS:GOAL]...`
#include <iomanip>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/progress_line.h"
#include "data/dataset_scan.h"
#include "errors.h"
#include "eval/calibration.h"
#include "eval/metrics_json.h"
#include "eval/validation_fit.h"
#include "train/model_calibration.h"
#include "weights/checkpoint.h"

namespace cxr::cli {
namespace {

struct CalibrateArgs {
    std::string model, dataset, out, split = "val";
    std::vector<std::string> goals; // CLASS:GOAL
    bool inPlace = false, json = false, noGate = false;
    int threads = 0;
};

void printResult(const CalibrateArgs &args, const std::string &out, const ModelCalibration &r) {
    const Calibration &calibration = r.fit.calibration;
    if (args.json) {
        nlohmann::json json = {{"model", out},
                               {"temperature", calibration.temperature},
                               {"fitted_on", calibration.fittedOn},
                               {"images", calibration.images},
                               {"ece", calibration.eceBefore},
                               {"ece_calibrated", calibration.eceAfter},
                               {"operating_points", operatingPointsJson(r.fit.points, {})}};
        if (r.gate)
            json["ood_gate"] = {{"train_images", r.gate->trainImages},
                                {"held_out_images", r.gate->heldOutImages},
                                {"components", r.gate->gate.components()},
                                {"threshold", r.gate->gate.threshold()},
                                {"threshold_from", r.gate->thresholdFrom},
                                {"views", r.gate->gate.views()}};
        std::cout << json.dump(2) << "\n";
        return;
    }
    std::cout << std::fixed << std::setprecision(3) << "fitted on " << r.heldOutImages
              << " images (" << r.heldOut << ")\ntemperature " << calibration.temperature
              << "; expected calibration error " << calibration.eceBefore << " -> "
              << calibration.eceAfter << "\n";
    for (const OperatingPoint &p : r.fit.points)
        std::cout << p.className << " " << goalText(p.goal) << ": threshold " << p.threshold
                  << " (sensitivity " << p.fitted.sensitivity << ", specificity "
                  << p.fitted.specificity
                  << (p.goalMet ? ")" : "; the goal is out of reach, the closest kept)") << "\n";
    if (r.gate)
        std::cout << "out-of-distribution gate: " << r.gate->trainImages
                  << " training images, threshold " << r.gate->gate.threshold() << " ("
                  << r.gate->thresholdFrom << ")\n";
    std::cout << "wrote " << out << "\n";
}

int runCalibrate(const CalibrateArgs &args) {
    const auto split = parseSplit(args.split);
    if (!split) {
        std::cerr << "cxr calibrate: unknown split \"" << args.split << "\" (train, val or test)\n";
        return 1;
    }
    if (args.out.empty() == !args.inPlace) {
        std::cerr << "cxr calibrate: give --out FILE for a calibrated copy, or --in-place to "
                     "add the calibration to MODEL itself (its weights stay as they are)\n";
        return 2;
    }
    try {
        ClassGoals goals; // read first: a typo should not wait for an evaluation
        for (const std::string &text : args.goals)
            goals.push_back(parseClassGoal(text));
        const DatasetIndex index = scan(args.dataset);
        ProgressLine progress("calibrate");
        CalibrationRequest request;
        request.split = *split;
        request.goals = goals;
        request.gate = !args.noGate;
        const ModelCalibration result = calibrateModel(
            args.model, index, request, [&progress](std::size_t done, std::size_t total) {
                progress.update(done, total);
            });
        progress.finish();
        for (const std::string &note : result.fit.notes)
            std::cerr << "cxr calibrate: " << note << "\n";
        const std::string out = args.inPlace ? args.model : args.out;
        saveCheckpoint(out,
                       result.checkpoint); // atomic: the old file stays whole until the new one is
        printResult(args, out, result);
        return 0;
    } catch (const std::exception &e) {
        std::cerr << "cxr calibrate: " << e.what() << "\n";
        return 1;
    }
}

} // namespace

void addCalibrateCommand(CLI::App &app, int &exitCode) {
    auto args = std::make_shared<CalibrateArgs>();
    CLI::App *cmd = app.add_subcommand(
        "calibrate",
        "Fit temperature scaling (Guo et al. 2017), an operating point per class and the "
        "out-of-distribution gate on a dataset and store them in the model; predict, explain, "
        "eval and the app then use them. Fit on validation images (by default those the "
        "model's run held out), never on the images you report results on");
    cmd->add_option("model", args->model, "Model file (.pt)")->required();
    cmd->add_option("dataset", args->dataset, "Dataset folder or CoronaHack CSV")->required();
    cmd->add_option("--split", args->split, "train, val or test")->capture_default_str();
    cmd->add_option("--out", args->out, "Write the calibrated model here");
    cmd->add_flag("--in-place", args->inPlace, "Add the calibration to MODEL itself");
    cmd->add_option("--goal",
                    args->goals,
                    "CLASS:GOAL, GOAL youden, sensitivity>=X or specificity>=X (repeatable; "
                    "default: the model's own goals, else youden for every class)");
    cmd->add_option("--threads", args->threads, "Compute threads (0 = all cores)")
        ->capture_default_str();
    cmd->add_flag("--no-gate",
                  args->noGate,
                  "Do not fit the out-of-distribution gate (on the train split's images)");
    cmd->add_flag("--json", args->json, "Print JSON");
    cmd->callback([args, &exitCode] { exitCode = runCalibrate(*args); });
}

} // namespace cxr::cli
