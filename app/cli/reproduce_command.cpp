// SPDX-License-Identifier: MIT
// `cxr reproduce DATASET --out DIR`: the six configurations of the paper's
// Table 1 with one seed, and the table itself.
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "atomic_file.h"
#include "cli/commands.h"
#include "cli/train_observer.h"
#include "data/dataset_scan.h"
#include "errors.h"
#include "train/run_directory.h"
#include "train/trainer.h"
#include "weights/weight_import.h"

namespace cxr::cli {
namespace fs = std::filesystem;
namespace {

struct ReproduceArgs {
    std::string dataset, out, task = "4class", imagenetWeights, chexnetWeights;
    int epochs = 20, imageSize = 224, batchSize = 16;
    std::uint64_t seed = 42;
    bool offline = false;
};

struct Row {
    std::string preset, description, note;
    double train = NAN, val = NAN, test = NAN, balanced = NAN, covidRecall = NAN;
};

// The accuracy in metrics.csv for an epoch and split, or NaN.
double metricAt(const fs::path &run, int epoch, const std::string &split) {
    for (const MetricsRow &row : RunDirectory::readMetrics(run))
        if (row.epoch == epoch && row.split == split)
            return row.accuracy;
    return NAN;
}

std::string percent(double v) {
    if (std::isnan(v))
        return "–";
    std::ostringstream out;
    out << std::fixed << std::setprecision(1) << 100 * v;
    return out.str();
}

void writeTables(const fs::path &dir, const std::vector<Row> &rows, const ReproduceArgs &args) {
    std::ostringstream md, csv;
    md << "# Table 1, reproduced by CXR Studio\n\n"
       << "Task " << args.task << ", " << args.epochs << " epochs, " << args.imageSize
       << " px, batch " << args.batchSize << ", seed " << args.seed
       << ". Accuracies in %; Tr/Val at the best epoch (by validation balanced accuracy), Tst "
          "on the test split. Research use only.\n\n"
       << "| Config | Description | Tr | Val | Tst | Tst balanced | COVID-19 recall | Note |\n"
       << "|---|---|---|---|---|---|---|---|\n";
    csv << "config,train_accuracy,val_accuracy,test_accuracy,test_balanced_accuracy,"
           "covid19_recall,note\n";
    for (const Row &r : rows) {
        md << "| " << r.preset << " | " << r.description << " | " << percent(r.train) << " | "
           << percent(r.val) << " | " << percent(r.test) << " | " << percent(r.balanced) << " | "
           << percent(r.covidRecall) << " | " << r.note << " |\n";
        auto value = [](double v) { return std::isnan(v) ? std::string() : std::to_string(v); };
        csv << r.preset << ',' << value(r.train) << ',' << value(r.val) << ',' << value(r.test)
            << ',' << value(r.balanced) << ',' << value(r.covidRecall) << ",\"" << r.note << "\"\n";
    }
    writeFileAtomically(dir / "table1.md", md.str());
    writeFileAtomically(dir / "table1.csv", csv.str());
}

int runReproduce(const ReproduceArgs &args) {
    try {
        const DatasetIndex index = scan(args.dataset);
        std::error_code error;
        fs::create_directories(args.out, error);
        std::vector<Row> rows;
        CancelToken cancel;
        cancelOnInterrupt(cancel);
        for (const Preset &preset : presets()) {
            Row row;
            row.preset = preset.name;
            row.description = preset.description;
            TrainConfig config = *presetConfig(preset.name);
            const nlohmann::json overrides = {{"task", args.task},
                                              {"epochs", args.epochs},
                                              {"image_size", args.imageSize},
                                              {"batch_size", args.batchSize},
                                              {"seed", args.seed}};
            config = configFromJson(overrides, config);
            // Pretrained weights: a given file, else the official download;
            // a configuration whose weights are unavailable is skipped,
            // never silently trained from scratch.
            try {
                if (config.init == "imagenet") {
                    if (args.imagenetWeights.empty() && args.offline)
                        throw Error("no ImageNet weights given (--imagenet-weights FILE) and "
                                    "downloads are off (--offline)");
                    config.init = args.imagenetWeights.empty()
                                      ? resolveWeightsSource("imagenet", config.arch).string()
                                      : args.imagenetWeights;
                }
                if (config.init == "chexnet") {
                    if (args.chexnetWeights.empty())
                        throw Error("no CheXNet weights given (--chexnet-weights FILE)");
                    config.chexnetWeights = args.chexnetWeights;
                }
            } catch (const std::exception &e) {
                row.note = std::string("skipped: ") + e.what();
                std::cout << preset.name << ": " << row.note << "\n";
                rows.push_back(row);
                writeTables(args.out, rows, args);
                continue;
            }
            const fs::path runDir = fs::path(args.out) / preset.name;
            ConsoleTrainObserver observer(std::string(preset.name) + ": ");
            try {
                const RunSummary summary = startRun(index, config, runDir, observer, &cancel);
                row.train = metricAt(runDir, summary.bestEpoch, "train");
                row.val = metricAt(runDir, summary.bestEpoch, "val");
                row.test = summary.test.accuracy;
                row.balanced = summary.test.balancedAccuracy;
                for (std::size_t c = 0; c < summary.classes.size(); ++c)
                    if (summary.classes[c] == "COVID19")
                        row.covidRecall = summary.test.perClass[c].recall;
            } catch (const Cancelled &) {
                throw;
            } catch (const std::exception &e) {
                row.note = std::string("failed: ") + e.what();
            }
            rows.push_back(row);
            writeTables(args.out, rows, args);
        }
        std::cout << "wrote " << (fs::path(args.out) / "table1.md").string() << " and table1.csv\n";
        return 0;
    } catch (const Cancelled &) {
        std::cerr << "cxr reproduce: stopped\n";
        return 130;
    } catch (const std::exception &e) {
        std::cerr << "cxr reproduce: " << e.what() << "\n";
        return 1;
    }
}

} // namespace

void addReproduceCommand(CLI::App &app, int &exitCode) {
    auto args = std::make_shared<ReproduceArgs>();
    CLI::App *cmd =
        app.add_subcommand("reproduce", "Run the paper's six configurations and write Table 1");
    cmd->add_option("dataset", args->dataset, "Dataset folder or CoronaHack CSV")->required();
    cmd->add_option("--out", args->out, "Folder for the six runs and table1.md/csv")->required();
    cmd->add_option("--task", args->task, "4class, normal-vs-pneumonia or bacteria-vs-virus")
        ->capture_default_str();
    cmd->add_option("--epochs", args->epochs, "Epochs per configuration")->capture_default_str();
    cmd->add_option("--image-size", args->imageSize, "Input size")->capture_default_str();
    cmd->add_option("--batch-size", args->batchSize, "Batch size")->capture_default_str();
    cmd->add_option("--seed", args->seed, "Seed for all six runs")->capture_default_str();
    cmd->add_option("--imagenet-weights",
                    args->imagenetWeights,
                    "ResNet50 ImageNet weights file (else downloaded)");
    cmd->add_option("--chexnet-weights", args->chexnetWeights, "CheXNet model.pth.tar");
    cmd->add_flag(
        "--offline", args->offline, "Never download; skip configs whose weights are missing");
    cmd->callback([args, &exitCode] { exitCode = runReproduce(*args); });
}

} // namespace cxr::cli
