// SPDX-License-Identifier: MIT
// `cxr eval MODEL.pt DATASET [--split test] [--json]`
#include <iomanip>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/progress_line.h"
#include "data/dataset_scan.h"
#include "errors.h"
#include "eval/evaluation.h"
#include "eval/metrics_json.h"
#include "train/model_calibration.h"
#include "weights/checkpoint.h"

namespace cxr::cli {
namespace {

struct EvalArgs {
    std::string model, dataset, split = "test";
    bool json = false;
    int batchSize = 16;
    int threads = 0;
    std::string device = "cpu";
};

nlohmann::json toJson(const Evaluation &e) {
    nlohmann::json json = metricsJson(e.classes, e.metrics, e.intervals);
    json["classes"] = e.classes;
    json["skipped"] = e.skipped;
    json["evaluated_on"] = e.evaluatedOn;
    json["ece"] = e.ece;
    json["temperature"] = e.calibration ? e.calibration->temperature : 1.0;
    if (e.calibration)
        json["ece_uncalibrated"] = e.eceUncalibrated;
    json.update(curvesJson(e.classes, e.curves));
    json["operating_points"] = operatingPointsJson(e.operatingPoints, e.atOperatingPoints);
    return json;
}

void printInterval(const Interval &i) { std::cout << "  [" << i.low << ", " << i.high << "]"; }

void printPerClass(const Evaluation &e) {
    std::cout << "\nclass        sensitivity     specificity     PPV             NPV"
                 "             AUC              support\n";
    for (std::size_t c = 0; c < e.classes.size(); ++c) {
        const ClassMetrics &cm = e.metrics.perClass[c];
        const ClassIntervals &ci = e.intervals.perClass[c];
        std::cout << std::left << std::setw(12) << e.classes[c] << std::right;
        const std::pair<double, Interval> cells[] = {{cm.recall, ci.sensitivity},
                                                     {cm.specificity, ci.specificity},
                                                     {cm.precision, ci.ppv},
                                                     {cm.npv, ci.npv},
                                                     {cm.auc, ci.auc}};
        for (const auto &[value, interval] : cells)
            std::cout << " " << std::setw(5) << value << " (" << std::setw(4) << interval.low << "-"
                      << std::setw(4) << interval.high << ")";
        std::cout << std::setw(8) << cm.support << "\n";
    }
    std::cout << "(95% bootstrap intervals in parentheses; PPV and NPV depend on how common "
                 "each class is in these images)\n";
}

void printOperatingPoints(const Evaluation &e) {
    if (e.operatingPoints.empty())
        return;
    std::cout << "\noperating points (class called when its probability >= threshold)\n";
    for (std::size_t i = 0; i < e.operatingPoints.size(); ++i) {
        const OperatingPoint &p = e.operatingPoints[i];
        const BinaryResult &r = e.atOperatingPoints[i];
        std::cout << std::left << std::setw(12) << p.className << std::right << " "
                  << goalText(p.goal) << " at " << p.threshold << ": sensitivity " << r.sensitivity
                  << ", specificity " << r.specificity << ", PPV " << r.ppv << ", NPV " << r.npv
                  << " (chosen on " << p.fittedOn << ")\n";
    }
}

void printText(const Evaluation &e) {
    const Metrics &m = e.metrics;
    std::cout << std::fixed << std::setprecision(3) << m.count << " images (" << e.evaluatedOn
              << ")";
    if (e.skipped)
        std::cout << " (" << e.skipped << " could not be decoded)";
    std::cout << "\naccuracy          " << m.accuracy;
    printInterval(e.intervals.accuracy);
    std::cout << "\nbalanced accuracy " << m.balancedAccuracy;
    printInterval(e.intervals.balancedAccuracy);
    std::cout << "\nmacro-F1          " << m.macroF1;
    printInterval(e.intervals.macroF1);
    std::cout << "\ncalibration error " << e.ece << " (expected, 15 bins)";
    if (e.calibration)
        std::cout << " with the model's temperature " << e.calibration->temperature << "; "
                  << e.eceUncalibrated << " without";
    else
        std::cout << "; the model has no temperature (cxr calibrate fits one)";
    std::cout << "\n";
    printPerClass(e);
    printOperatingPoints(e);
    std::cout << "\nconfusion (rows: true, columns: predicted)\n" << std::setw(12) << "";
    for (const auto &c : e.classes)
        std::cout << std::setw(10) << c;
    std::cout << "\n";
    for (std::size_t t = 0; t < e.classes.size(); ++t) {
        std::cout << std::left << std::setw(12) << e.classes[t] << std::right;
        for (std::size_t p = 0; p < e.classes.size(); ++p)
            std::cout << std::setw(10) << m.confusion[t][p];
        std::cout << "\n";
    }
}

int runEval(const EvalArgs &args) {
    const auto split = parseSplit(args.split);
    if (!split) {
        std::cerr << "cxr eval: unknown split \"" << args.split << "\" (train, val or test)\n";
        return 1;
    }
    try {
        const DatasetIndex index = scan(args.dataset);
        ProgressLine progress("eval");
        EvaluationOptions options;
        options.batchSize = args.batchSize;
        options.threads = args.threads;
        options.device = args.device;
        // --split val on a dataset without one: the run's own validation images.
        const Checkpoint checkpoint = loadCheckpoint(args.model);
        const ModelImages images =
            imagesForModel(checkpoint.metadataJson, checkpoint.classes, index, *split);
        const Evaluation evaluation = evaluateModel(
            checkpoint,
            args.model,
            index,
            images.samples,
            images.description,
            options,
            [&progress](std::size_t done, std::size_t total) { progress.update(done, total); });
        progress.finish();
        if (args.json)
            std::cout << toJson(evaluation).dump(2) << "\n";
        else
            printText(evaluation);
        return 0;
    } catch (const std::exception &e) {
        std::cerr << "cxr eval: " << e.what() << "\n";
        return 1;
    }
}

} // namespace

void addEvalCommand(CLI::App &app, int &exitCode) {
    auto args = std::make_shared<EvalArgs>();
    CLI::App *cmd = app.add_subcommand("eval", "Evaluate a model on a dataset split");
    cmd->add_option("model", args->model, "Model file (.pt)")->required();
    cmd->add_option("dataset", args->dataset, "Dataset folder or CoronaHack CSV")->required();
    cmd->add_option("--split", args->split, "train, val or test")->capture_default_str();
    cmd->add_option("--batch-size", args->batchSize, "Batch size")->capture_default_str();
    cmd->add_option("--threads", args->threads, "Compute threads (0 = all cores)")
        ->capture_default_str();
    cmd->add_option("--device", args->device, "cpu, cuda or cuda:N (needs a LibTorch with CUDA)")
        ->capture_default_str();
    cmd->add_flag("--json", args->json, "Print JSON");
    cmd->callback([args, &exitCode] { exitCode = runEval(*args); });
}

} // namespace cxr::cli
