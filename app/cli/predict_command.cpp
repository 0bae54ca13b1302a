// SPDX-License-Identifier: MIT
// `cxr predict MODEL.pt IMAGE... [--json]`: class probabilities per image;
// `cxr predict MODEL.pt --folder DIR --out predictions.csv [--overlays DIR]`.
#include <iomanip>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/cam_options.h"
#include "cli/commands.h"
#include "cli/progress_line.h"
#include "errors.h"
#include "infer/batch_predict.h"
#include "infer/classifier.h"

namespace cxr::cli {
namespace {

struct PredictArgs {
    std::string model;
    std::vector<std::string> images;
    bool json = false;
    std::string folder, out, overlays;
    std::string device = "cpu";
    CamArgs cam; // how the overlays' heatmaps are made
};

// `cxr predict MODEL --folder DIR --out predictions.csv [--overlays DIR]`
int runFolder(const Classifier &classifier, const PredictArgs &args) {
    if (args.out.empty())
        throw Error("--folder needs --out predictions.csv");
    std::vector<Rejected> rejected;
    const auto images = imagesInFolder(args.folder, rejected);
    for (const Rejected &r : rejected)
        std::cerr << "skipped " << r.path.string() << ": " << r.reason << "\n";
    BatchPredictOptions options;
    options.overlaysDir = args.overlays;
    options.method = args.cam.camMethod();
    options.smoothing = args.cam.smoothing();
    ProgressLine progress("predict");
    options.progress = [&progress](std::size_t done, std::size_t total) {
        progress.update(done, total);
    };
    const BatchPredictResult result = predictBatch(classifier, images, args.out, options);
    progress.finish();
    for (const Rejected &r : result.failed)
        std::cerr << "cxr predict: could not read \"" << r.path.string() << "\": " << r.reason
                  << "\n";
    std::cout << "predicted " << result.predicted << " of " << images.size() << " images into "
              << args.out << (args.overlays.empty() ? "" : ", overlays in " + args.overlays)
              << "\n";
    if (result.failed.empty())
        return 0;
    return result.predicted == 0 ? 1 : 3;
}

// {"image", "label", "probabilities": {class: p}, "in_distribution",
//  "warnings": [...], "concerns": [names], and for a model with a gate
//  "ood": {"score", "threshold", "flagged"}}
nlohmann::json predictionJson(const std::string &image,
                              const std::vector<std::string> &classes,
                              const Prediction &p) {
    nlohmann::json probabilities = nlohmann::json::object();
    for (std::size_t c = 0; c < classes.size(); ++c)
        probabilities[classes[c]] = p.probabilities[c];
    nlohmann::json concerns = nlohmann::json::array();
    for (const InputCheck &check : p.concerns)
        concerns.push_back(concernName(check.concern));
    nlohmann::json entry = {{"image", image},
                            {"label", classes[static_cast<std::size_t>(p.label)]},
                            {"probabilities", probabilities},
                            {"in_distribution", p.inDistribution()},
                            {"warnings", p.warnings()},
                            {"concerns", concerns}};
    if (p.ood)
        entry["ood"] = {{"score", p.ood->score},
                        {"threshold", p.ood->threshold},
                        {"flagged", p.ood->flagged()}};
    return entry;
}

int runPredict(const PredictArgs &args) {
    std::unique_ptr<Classifier> classifier;
    try {
        classifier = std::make_unique<Classifier>(Classifier::load(args.model, args.device));
    } catch (const std::exception &e) {
        std::cerr << "cxr predict: " << e.what() << "\n";
        return 1;
    }
    std::cerr << "Research and teaching software - not for clinical use.\n";
    if (!args.folder.empty()) {
        try {
            return runFolder(*classifier, args);
        } catch (const std::exception &e) {
            std::cerr << "cxr predict: " << e.what() << "\n";
            return 1;
        }
    }
    if (args.images.empty()) {
        std::cerr << "cxr predict: give image files, or --folder DIR --out predictions.csv\n";
        return 1;
    }
    const auto &classes = classifier->classes();
    nlohmann::json results = nlohmann::json::array();
    std::size_t failed = 0;
    for (const std::string &image : args.images) {
        try {
            const Prediction p = classifier->predictFile(image);
            const std::string &label = classes[static_cast<std::size_t>(p.label)];
            if (args.json) {
                results.push_back(predictionJson(image, classes, p));
            } else {
                std::cout << image << ": " << label << std::fixed << std::setprecision(3);
                for (std::size_t c = 0; c < classes.size(); ++c)
                    std::cout << "  " << classes[c] << "=" << p.probabilities[c];
                std::cout << "\n";
                for (const std::string &warning : p.warnings())
                    std::cout << "  warning: " << warning
                              << "; the probabilities above mean little\n";
            }
        } catch (const std::exception &e) {
            ++failed;
            std::cerr << "cxr predict: " << e.what() << "\n";
            if (args.json)
                results.push_back({{"image", image}, {"error", e.what()}});
        }
    }
    if (args.json)
        std::cout << results.dump(2) << "\n";
    if (failed == 0)
        return 0;
    return failed == args.images.size() ? 1 : 3;
}

} // namespace

void addPredictCommand(CLI::App &app, int &exitCode) {
    auto args = std::make_shared<PredictArgs>();
    CLI::App *cmd = app.add_subcommand("predict", "Classify X-ray images with a model");
    cmd->add_option("model", args->model, "A model file (.pt) made by CXR Studio")->required();
    cmd->add_option("images", args->images, "PNG, JPEG, BMP, TIFF or DICOM files");
    cmd->add_option("--folder", args->folder, "Classify every image in this folder instead");
    cmd->add_option("--device", args->device, "cpu, cuda or cuda:N (needs a LibTorch with CUDA)")
        ->capture_default_str();
    cmd->add_option("--out", args->out, "With --folder: the predictions CSV to write");
    cmd->add_option("--overlays", args->overlays, "With --folder: write Grad-CAM overlays here");
    cmd->add_flag("--json", args->json, "Print a JSON list instead of lines");
    addCamOptions(*cmd, args->cam);
    cmd->footer("Exit code: 0 all classified, 3 some images failed, 1 none could be.");
    cmd->callback([args, &exitCode] { exitCode = runPredict(*args); });
}

} // namespace cxr::cli
