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
#include "eval/evaluation.h"
#include "eval/metrics_json.h"
#include "eval/validation_fit.h"
#include "weights/checkpoint.h"

namespace cxr::cli {
namespace {

struct CalibrateArgs {
    std::string model, dataset, out, split = "val";
    std::vector<std::string> goals; // CLASS:GOAL
    bool inPlace = false, json = false;
    int threads = 0;
};

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
        EvaluationOptions options;
        options.threads = args.threads;
        const Evaluation e = evaluateModel(
            args.model, index, *split, options, [&progress](std::size_t done, std::size_t total) {
                progress.update(done, total);
            });
        progress.finish();
        if (goals.empty())
            goals = goalsOf(e.operatingPoints); // refit the model's own goals
        const ValidationFit fit =
            fitOnValidation(e.uncalibratedProbabilities,
                            e.predictions.labels,
                            e.classes,
                            goals,
                            std::string(splitName(*split)) + " split of " + args.dataset);
        for (const std::string &note : fit.notes)
            std::cerr << "cxr calibrate: " << note << "\n";
        Checkpoint checkpoint = loadCheckpoint(args.model);
        checkpoint.metadataJson = withValidationFit(checkpoint.metadataJson, fit);
        const std::string out = args.inPlace ? args.model : args.out;
        saveCheckpoint(out, checkpoint); // atomic: the old file stays whole until the new one is
        const Calibration &calibration = fit.calibration;
        if (args.json) {
            std::cout << nlohmann::json{{"model", out},
                                        {"temperature", calibration.temperature},
                                        {"fitted_on", calibration.fittedOn},
                                        {"images", calibration.images},
                                        {"ece", calibration.eceBefore},
                                        {"ece_calibrated", calibration.eceAfter},
                                        {"operating_points", operatingPointsJson(fit.points, {})}}
                             .dump(2)
                      << "\n";
        } else {
            std::cout << std::fixed << std::setprecision(3) << "temperature "
                      << calibration.temperature << " fitted on " << calibration.images << " "
                      << splitName(*split) << " images; expected calibration error "
                      << calibration.eceBefore << " -> " << calibration.eceAfter << "\n";
            for (const OperatingPoint &p : fit.points)
                std::cout << p.className << " " << goalText(p.goal) << ": threshold " << p.threshold
                          << " (sensitivity " << p.fitted.sensitivity << ", specificity "
                          << p.fitted.specificity
                          << (p.goalMet ? ")" : "; the goal is out of reach, the closest kept)")
                          << "\n";
            std::cout << "wrote " << out << "\n";
        }
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
        "Fit temperature scaling (Guo et al. 2017) and an operating point per class on a "
        "dataset split and store them in the model; predict, explain, eval and the app then use "
        "them. Fit on validation images, never on the images you report results on");
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
    cmd->add_flag("--json", args->json, "Print JSON");
    cmd->callback([args, &exitCode] { exitCode = runCalibrate(*args); });
}

} // namespace cxr::cli
