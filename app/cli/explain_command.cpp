// SPDX-License-Identifier: MIT
// `cxr explain MODEL.pt IMAGE --out OVERLAY.png [...]`: a Grad-CAM overlay;
// `cxr explain MODEL.pt --dataset DIR --masks MASKS [--split test]`: the
// pointing game against ground-truth lesion masks.
#include <iomanip>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/cam_options.h"
#include "cli/commands.h"
#include "cli/progress_line.h"
#include "data/dataset_scan.h"
#include "data/image_decode.h"
#include "data/image_encode.h"
#include "errors.h"
#include "eval/localisation.h"
#include "explain/overlay.h"
#include "infer/classifier.h"

namespace cxr::cli {
namespace {

struct ExplainArgs {
    std::string model, image, out, heatmap, className, colormap = "jet";
    std::string dataset, masks, split = "test";
    std::string device = "cpu";
    double opacity = 0.45;
    bool json = false;
    CamArgs cam;
};

int runLocalisation(const Classifier &classifier, const ExplainArgs &args, CamMethod method) {
    const auto split = parseSplit(args.split);
    if (!split)
        throw Error("unknown split \"" + args.split + "\"");
    const DatasetIndex index = scan(args.dataset);
    ProgressLine progress("explain");
    const LocalisationReport report = scoreLocalisation(
        classifier,
        index,
        args.masks,
        *split,
        method,
        args.cam.smoothing(),
        [&progress](std::size_t done, std::size_t total) { progress.update(done, total); });
    progress.finish();
    for (const Rejected &r : report.skipped)
        std::cerr << "skipped " << r.path.string() << ": " << r.reason << "\n";
    if (report.overall.images == 0)
        throw Error("no image of the " + args.split +
                    " split has a non-empty lesion mask under \"" + args.masks + "\"");
    std::cout << std::fixed << std::setprecision(3) << camMethodName(method);
    if (!args.cam.smoothingText().empty())
        std::cout << " (smoothing: " << args.cam.smoothingText() << ")";
    std::cout << " on " << report.overall.images << " " << args.split << " images with lesions\n";
    for (std::size_t c = 0; c < report.classes.size(); ++c)
        std::cout << "  " << std::left << std::setw(10) << report.classes[c] << std::right
                  << " images " << std::setw(4) << report.perClass[c].images << "  pointing game "
                  << report.perClass[c].pointingGame << "  mass in mask "
                  << report.perClass[c].massInMask << "\n";
    std::cout << "pointing_game=" << report.overall.pointingGame
              << " mass_in_mask=" << report.overall.massInMask << "\n";
    return 0;
}

int runExplain(const ExplainArgs &args) {
    try {
        const CamMethod method = args.cam.camMethod();
        const auto colormap = parseColormap(args.colormap);
        if (!colormap)
            throw Error("unknown colormap \"" + args.colormap + "\" (jet, inferno or gray)");
        const Classifier classifier = Classifier::load(args.model, args.device);
        if (!args.dataset.empty()) {
            if (args.masks.empty())
                throw Error("--dataset needs --masks (the folder of ground-truth lesion masks)");
            return runLocalisation(classifier, args, method);
        }
        if (args.image.empty() || args.out.empty())
            throw Error("give an IMAGE and --out OVERLAY.png (or --dataset and --masks)");
        std::optional<int> target;
        if (!args.className.empty()) {
            target = classifier.classIndex(args.className);
            if (*target < 0) {
                std::string known;
                for (const auto &c : classifier.classes())
                    known += (known.empty() ? "" : ", ") + c;
                throw Error("the model has no class \"" + args.className + "\" (it has " + known +
                            ")");
            }
        }
        const DecodedImage decoded = decodeImage(args.image);
        const Explanation e =
            classifier.explain(decoded.pixels, target, method, args.cam.smoothing());
        OverlayOptions overlay;
        overlay.colormap = *colormap;
        overlay.opacity = args.opacity;
        overlay.legend = describeExplanation(classifier.classes(),
                                             e.prediction.probabilities,
                                             e.prediction.label,
                                             e.targetClass,
                                             method,
                                             args.cam.smoothing());
        overlay.colourBar = true;
        writeImageFile(args.out, renderOverlay(decoded.pixels, e.heatmap, overlay));
        if (!args.heatmap.empty()) {
            cv::Mat heat;
            e.heatmap.convertTo(heat, CV_8U, 255.0);
            writeImageFile(args.heatmap, heat);
        }
        const auto &classes = classifier.classes();
        if (args.json) {
            nlohmann::json probabilities = nlohmann::json::object();
            for (std::size_t c = 0; c < classes.size(); ++c)
                probabilities[classes[c]] = e.prediction.probabilities[c];
            std::cout << nlohmann::json{{"image", args.image},
                                        {"label",
                                         classes[static_cast<std::size_t>(e.prediction.label)]},
                                        {"explained_class",
                                         classes[static_cast<std::size_t>(e.targetClass)]},
                                        {"method", camMethodName(method)},
                                        {"smoothing", smoothingName(args.cam.smoothing().flips)},
                                        {"shifts", args.cam.shifts},
                                        {"probabilities", probabilities},
                                        {"overlay", args.out}}
                             .dump(2)
                      << "\n";
        } else {
            std::cout << args.image << ": " << classes[static_cast<std::size_t>(e.prediction.label)]
                      << " (p=" << std::fixed << std::setprecision(3)
                      << e.prediction.probabilities[static_cast<std::size_t>(e.prediction.label)]
                      << "); " << camMethodName(method) << " for "
                      << classes[static_cast<std::size_t>(e.targetClass)] << " written to "
                      << args.out << "\nResearch and teaching software - not for clinical use.\n";
        }
        return 0;
    } catch (const std::exception &e) {
        std::cerr << "cxr explain: " << e.what() << "\n";
        return 1;
    }
}

} // namespace

void addExplainCommand(CLI::App &app, int &exitCode) {
    auto a = std::make_shared<ExplainArgs>();
    CLI::App *cmd =
        app.add_subcommand("explain", "Grad-CAM heatmaps: an overlay, or a localisation score");
    cmd->add_option("model", a->model, "Model file (.pt)")->required();
    cmd->add_option("image", a->image, "X-ray to explain (PNG, JPEG, DICOM, ...)");
    cmd->add_option("--out", a->out, "Overlay PNG to write (the image's size)");
    cmd->add_option("--device", a->device, "cpu, cuda or cuda:N (needs a LibTorch with CUDA)")
        ->capture_default_str();
    cmd->add_option("--heatmap", a->heatmap, "Also write the raw heatmap as an 8-bit PNG");
    cmd->add_option("--class", a->className, "Class to explain (default: the predicted one)");
    cmd->add_option("--opacity", a->opacity, "Heatmap opacity 0..1")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    cmd->add_option("--colormap", a->colormap, "jet, inferno or gray")->capture_default_str();
    addCamOptions(*cmd, a->cam);
    cmd->add_flag("--json", a->json, "Print JSON");
    cmd->add_option("--dataset", a->dataset, "Score a dataset split against --masks instead");
    cmd->add_option("--masks", a->masks, "Ground-truth lesion masks (same relative paths)");
    cmd->add_option("--split", a->split, "Split to score")->capture_default_str();
    cmd->callback([a, &exitCode] { exitCode = runExplain(*a); });
}

} // namespace cxr::cli
