// SPDX-License-Identifier: MIT
// `cxr train DATASET --out RUN_DIR [--preset NAME] [--config FILE] [overrides] [--resume]`
#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "audit/dataset_audit.h"
#include "cli/commands.h"
#include "cli/train_observer.h"
#include "data/dataset_scan.h"
#include "data/task.h"
#include "errors.h"
#include "train/distributed.h"
#include "train/run_directory.h"
#include "train/run_sync.h"
#include "train/trainer.h"

namespace cxr::cli {
namespace {

// Flags the user gave; each one overrides the preset and the config file.
struct TrainArgs {
    std::string dataset, out, preset, configFile;
    std::optional<std::string> task, arch, init, loss, sampler, freeze, precision;
    std::optional<double> focalGamma, lr, valFraction;
    std::optional<int> epochs, batchSize, imageSize, threads, loaderThreads, patience;
    std::optional<std::uint64_t> seed;
    std::optional<std::string> exclude; // a file of paths (cxr audit --write-exclusions)
    std::string device = "cpu";
    bool noAugment = false;
    bool resume = false;
};

// The configuration the flags describe, on top of `base` (the defaults for a
// new run, the stored configuration for a resumed one).
TrainConfig buildConfig(const TrainArgs &a, TrainConfig base = {}) {
    TrainConfig config = std::move(base);
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
    set("precision", a.precision);
    set("focal_gamma", a.focalGamma);
    set("lr", a.lr);
    set("val_fraction", a.valFraction);
    set("epochs", a.epochs);
    set("batch_size", a.batchSize);
    set("image_size", a.imageSize);
    set("patience", a.patience);
    set("seed", a.seed);
    if (a.noAugment) {
        overrides["hflip"] = 0.0;
        overrides["vflip"] = 0.0;
        overrides["rotation_probability"] = 0.0;
    }
    config = configFromJson(overrides, config);
    if (a.exclude) {
        config.excluded = readExclusionsFile(*a.exclude);
        std::sort(config.excluded.begin(), config.excluded.end());
        config.excluded.erase(std::unique(config.excluded.begin(), config.excluded.end()),
                              config.excluded.end());
    }
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

// Exit code 2: --resume with settings that differ from the run's own.
constexpr int kConflictingResume = 2;

// The options of `args` that would change the run stored in args.out, as
// "epochs, seed"; empty when none would.
std::string conflictsWithStoredRun(const TrainArgs &args, const TrainConfig &stored) {
    std::string fields;
    for (const std::string &field : differingFields(stored, buildConfig(args, stored)))
        fields += (fields.empty() ? "" : ", ") + field;
    return fields;
}

int runTrain(const TrainArgs &args) {
    std::shared_ptr<RunSync> sync;
    try {
        // Started by torchrun: join the job first, so that every rank hears
        // rank 0's verdict on the arguments.
        if (const auto setup = distributedFromEnvironment(); setup && setup->worldSize > 1)
            sync = joinJob(*setup);
    } catch (const std::exception &e) {
        std::cerr << "cxr train: " << e.what() << "\n";
        return 1;
    }
    const bool leads = !sync || sync->leads();
    const std::string who =
        leads ? "cxr train: " : "cxr train (rank " + std::to_string(sync->rank()) + "): ";
    try {
        // Threads and the device change how a run computes, not what: they
        // may differ between a run and its resumption.
        ExecutionOptions execution;
        execution.device = args.device;
        execution.threads = args.threads;
        execution.loaderThreads = args.loaderThreads;
        execution.sync = sync;
        TrainConfig config;
        if (args.resume) {
            // Only rank 0 needs (and reads) the run folder; its verdict,
            // "problem:..." or the conflicting options, is every rank's.
            std::string verdict;
            if (leads) {
                try {
                    verdict = conflictsWithStoredRun(args, RunDirectory::readConfig(args.out));
                } catch (const std::exception &e) {
                    verdict = std::string("problem:") + e.what();
                }
            }
            if (sync)
                verdict = sync->shareText(verdict);
            if (verdict.rfind("problem:", 0) == 0)
                throw Error(verdict.substr(8));
            const std::string conflicts = verdict;
            if (!conflicts.empty()) {
                std::cerr << who << "--resume continues the run in " << args.out
                          << " with its own settings, and these options change them: " << conflicts
                          << ". Leave them out to resume, or start a new run in another "
                             "folder.\n";
                return kConflictingResume;
            }
        } else {
            config = buildConfig(args);
            if (args.threads)
                config.threads = *args.threads;
            if (args.loaderThreads)
                config.loaderThreads = *args.loaderThreads;
        }
        const DatasetIndex index = scan(args.dataset);
        if (!index.rejected.empty() && leads)
            std::cout << index.rejected.size() << " files of the dataset were rejected ("
                      << "`cxr stats` lists them); training on the " << index.samples.size()
                      << " others\n";
        // Rank 0 reports the run; the others say only what concerns them.
        ConsoleTrainObserver observer(leads ? "" : "rank " + std::to_string(sync->rank()) + ": ");
        CancelToken cancel;
        cancelOnInterrupt(cancel, /*repeatKills=*/!sync);
        const RunSummary summary =
            args.resume ? resumeRun(index, args.out, observer, &cancel, execution)
                        : startRun(index, config, args.out, observer, &cancel, execution);
        if (!leads)
            return 0;
        std::cout << "test: accuracy " << summary.test.accuracy << " ["
                  << summary.testIntervals.accuracy.low << ", "
                  << summary.testIntervals.accuracy.high << "], balanced accuracy "
                  << summary.test.balancedAccuracy << ", macro-F1 " << summary.test.macroF1
                  << "\nrun folder: " << args.out << " (best.pt, metrics.csv, summary.json)\n";
        return 0;
    } catch (const Cancelled &) {
        if (leads)
            std::cerr << "cxr train: stopped; continue with: cxr train " << args.dataset
                      << " --out " << args.out << " --resume\n";
        return 130;
    } catch (const RunFolderInUse &e) {
        std::cerr << "cxr train: the run folder \"" << e.folder().string()
                  << "\" is not empty (it may hold another run): pass --resume to continue that "
                     "run, or choose a new folder\n";
        return 1;
    } catch (const std::exception &e) {
        std::cerr << who << e.what() << "\n";
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
    cmd->add_option("--task", a->task, taskNameList() + " (classes: the dataset's own)");
    cmd->add_option("--arch", a->arch, "resnet50 or densenet121");
    cmd->add_option("--init", a->init, "imagenet, scratch, or a weights/model file");
    cmd->add_option("--loss", a->loss, "ce or focal");
    cmd->add_option("--focal-gamma", a->focalGamma, "Focal loss gamma");
    cmd->add_option("--sampler", a->sampler, "none or weighted (1/count per class)");
    cmd->add_option("--epochs", a->epochs, "Epochs (paper: 20)");
    cmd->add_option("--batch-size",
                    a->batchSize,
                    "Batch size: the global batch of a torchrun job, split across its processes");
    cmd->add_option("--image-size", a->imageSize, "Input size in pixels (paper: 224)");
    cmd->add_option("--lr", a->lr, "Adam learning rate (paper: 1e-3)");
    cmd->add_option("--val-fraction", a->valFraction, "Share of training images for validation");
    cmd->add_option("--seed", a->seed, "Random seed");
    cmd->add_option("--threads", a->threads, "Compute threads (0 = all cores)");
    cmd->add_option("--device", a->device, "cpu, cuda or cuda:N (needs a LibTorch with CUDA)")
        ->capture_default_str();
    cmd->add_option("--loader-threads", a->loaderThreads, "Image decoding threads");
    cmd->add_option("--freeze", a->freeze, "none or backbone (train the head only)");
    cmd->add_option("--precision",
                    a->precision,
                    "auto (bf16 where the CPU has it), fp32 or bf16: the forward pass's "
                    "arithmetic (default auto)");
    cmd->add_option("--patience", a->patience, "Early stopping patience in epochs (0 = off)");
    cmd->add_flag("--no-augment", a->noAugment, "No flips or rotations");
    cmd->add_option("--exclude",
                    a->exclude,
                    "Leave out the images listed in this file (one path relative to the dataset "
                    "folder per line, as cxr audit --write-exclusions writes); config.json "
                    "records them");
    cmd->add_flag("--resume",
                  a->resume,
                  "Continue the run in --out from its last.pt, with the run's own settings");
    cmd->footer(
        "Ctrl-C stops at the next batch with a resumable checkpoint. With --resume, an option "
        "that changes the run's settings is an error (exit code 2); --threads, --loader-threads "
        "and --device may differ.\n"
        "Started by torchrun (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT set), the process is "
        "one rank of a data-parallel job: rank 0 writes the run folder, gradients are averaged "
        "across the job. With Debian's torchrun 1.13: torchrun --no_python --redirects 1 --tee 1 "
        "--nproc_per_node=2 cxr train ... (docs/training.md).");
    cmd->callback([a, &exitCode] { exitCode = runTrain(*a); });
}

} // namespace cxr::cli
