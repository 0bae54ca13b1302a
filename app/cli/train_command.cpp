// SPDX-License-Identifier: MIT
// `cxr train DATASET --out RUN_DIR [--preset NAME] [--config FILE] [overrides] [--resume]`
#include <fstream>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/train_observer.h"
#include "data/dataset_scan.h"
#include "errors.h"
#include "train/run_directory.h"
#include "train/trainer.h"

namespace cxr::cli {
namespace {

// Flags the user gave; each one overrides the preset and the config file.
struct TrainArgs {
    std::string dataset, out, preset, configFile;
    std::optional<std::string> task, arch, init, loss, sampler, freeze;
    std::optional<double> focalGamma, lr, valFraction;
    std::optional<int> epochs, batchSize, imageSize, threads, loaderThreads, patience;
    std::optional<std::uint64_t> seed;
    bool noAugment = false;
    bool resume = false;
};

TrainConfig buildConfig(const TrainArgs &a) {
    TrainConfig config;
    if (!a.preset.empty()) {
        const auto preset = presetConfig(a.preset);
        if (!preset)
            throw Error("unknown preset \"" + a.preset +
                        "\" (PRCE, PRCW, PRFL, PDCXCE, PDCXFL, RCE)");
        config = *preset;
    }
    if (!a.configFile.empty()) {
        std::ifstream in(a.configFile);
        if (!in)
            throw Error("cannot read the config file \"" + a.configFile + "\"");
        try {
            config = configFromJson(nlohmann::json::parse(in), config);
        } catch (const nlohmann::json::exception &e) {
            throw Error("\"" + a.configFile + "\" is not valid JSON: " + e.what());
        }
    }
    nlohmann::json overrides = nlohmann::json::object();
    auto set = [&overrides](const char *key, const auto &value) {
        if (value)
            overrides[key] = *value;
    };
    set("task", a.task);
    set("arch", a.arch);
    set("loss", a.loss);
    set("sampler", a.sampler);
    set("freeze", a.freeze);
    set("focal_gamma", a.focalGamma);
    set("lr", a.lr);
    set("val_fraction", a.valFraction);
    set("epochs", a.epochs);
    set("batch_size", a.batchSize);
    set("image_size", a.imageSize);
    set("threads", a.threads);
    set("loader_threads", a.loaderThreads);
    set("patience", a.patience);
    set("seed", a.seed);
    if (a.noAugment) {
        overrides["hflip"] = 0.0;
        overrides["vflip"] = 0.0;
        overrides["rotation_probability"] = 0.0;
    }
    config = configFromJson(overrides, config);
    if (a.init) {
        // A file for a CheXNet preset is the CheXNet weights; otherwise the
        // value is the init itself (imagenet, scratch, a file).
        if (config.init == "chexnet" && *a.init != "chexnet" && *a.init != "scratch" &&
            *a.init != "imagenet")
            config.chexnetWeights = *a.init;
        else
            config.init = *a.init;
    }
    return config;
}

int runTrain(const TrainArgs &args) {
    try {
        TrainConfig config;
        if (args.resume) {
            config = configFromJson(RunDirectory::readConfig(args.out));
        } else {
            config = buildConfig(args);
        }
        const DatasetIndex index = scan(args.dataset);
        if (!index.rejected.empty())
            std::cout << index.rejected.size() << " files of the dataset were rejected ("
                      << "`cxr stats` lists them); training on the " << index.samples.size()
                      << " others\n";
        ConsoleTrainObserver observer;
        CancelToken cancel;
        cancelOnInterrupt(cancel);
        const RunSummary summary = train(index, config, args.out, args.resume, observer, &cancel);
        std::cout << "test: accuracy " << summary.test.accuracy << " ["
                  << summary.testIntervals.accuracy.low << ", "
                  << summary.testIntervals.accuracy.high << "], balanced accuracy "
                  << summary.test.balancedAccuracy << ", macro-F1 " << summary.test.macroF1
                  << "\nrun folder: " << args.out << " (best.pt, metrics.csv, summary.json)\n";
        return 0;
    } catch (const Cancelled &) {
        std::cerr << "cxr train: stopped; continue with: cxr train " << args.dataset << " --out "
                  << args.out << " --resume\n";
        return 130;
    } catch (const std::exception &e) {
        std::cerr << "cxr train: " << e.what() << "\n";
        return 1;
    }
}

} // namespace

void addTrainCommand(CLI::App &app, int &exitCode) {
    auto a = std::make_shared<TrainArgs>();
    CLI::App *cmd =
        app.add_subcommand("train", "Train a classifier (the paper's settings by default)");
    cmd->add_option("dataset", a->dataset, "Dataset folder or CoronaHack CSV")->required();
    cmd->add_option("--out", a->out, "Run folder (new, or an earlier run with --resume)")
        ->required();
    cmd->add_option("--preset", a->preset, "PRCE, PRCW, PRFL, PDCXCE, PDCXFL or RCE (Table 1)");
    cmd->add_option("--config", a->configFile, "A JSON config (as written to config.json)");
    cmd->add_option("--task", a->task, "4class, normal-vs-pneumonia or bacteria-vs-virus");
    cmd->add_option("--arch", a->arch, "resnet50 or densenet121");
    cmd->add_option("--init", a->init, "imagenet, scratch, or a weights/model file");
    cmd->add_option("--loss", a->loss, "ce or focal");
    cmd->add_option("--focal-gamma", a->focalGamma, "Focal loss gamma");
    cmd->add_option("--sampler", a->sampler, "none or weighted (1/count per class)");
    cmd->add_option("--epochs", a->epochs, "Epochs (paper: 20)");
    cmd->add_option("--batch-size", a->batchSize, "Batch size");
    cmd->add_option("--image-size", a->imageSize, "Input size in pixels (paper: 224)");
    cmd->add_option("--lr", a->lr, "Adam learning rate (paper: 1e-3)");
    cmd->add_option("--val-fraction", a->valFraction, "Share of training images for validation");
    cmd->add_option("--seed", a->seed, "Random seed");
    cmd->add_option("--threads", a->threads, "LibTorch threads (0 = all cores)");
    cmd->add_option("--loader-threads", a->loaderThreads, "Image decoding threads");
    cmd->add_option("--freeze", a->freeze, "none or backbone (train the head only)");
    cmd->add_option("--patience", a->patience, "Early stopping patience in epochs (0 = off)");
    cmd->add_flag("--no-augment", a->noAugment, "No flips or rotations");
    cmd->add_flag("--resume", a->resume, "Continue the run in --out from its last.pt");
    cmd->footer("Ctrl-C stops at the next batch with a resumable checkpoint.");
    cmd->callback([a, &exitCode] { exitCode = runTrain(*a); });
}

} // namespace cxr::cli
