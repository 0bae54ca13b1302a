// SPDX-License-Identifier: MIT
// `cxr stats DATASET [--json] [--layout L] [--histograms]`: what a dataset
// holds (the paper's Figure 1 as a table) and what could not be used.
#include <iomanip>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/progress_line.h"
#include "data/dataset_scan.h"
#include "data/dataset_statistics.h"
#include "errors.h"

namespace cxr::cli {
namespace {

struct StatsArgs {
    std::string dataset;
    std::string layout;
    bool json = false;
    bool histograms = false;
    std::size_t maxPerClass = 0;
    int threads = 0;
};

std::vector<Split> presentSplits(const DatasetIndex &index) {
    std::vector<Split> splits;
    for (Split split : {Split::Train, Split::Val, Split::Test, Split::Unsplit})
        if (index.hasSplit(split))
            splits.push_back(split);
    return splits;
}

nlohmann::json toJson(const DatasetIndex &index, const IntensityStatistics *intensity) {
    nlohmann::json out;
    out["root"] = index.root.string();
    out["layout"] = layoutName(index.layout);
    out["classes"] = index.classes;
    out["samples"] = index.samples.size();
    const auto table = index.counts();
    nlohmann::json counts = nlohmann::json::object();
    for (Split split : presentSplits(index)) {
        nlohmann::json row = nlohmann::json::object();
        for (std::size_t c = 0; c < index.classes.size(); ++c)
            row[index.classes[c]] = table[static_cast<std::size_t>(split)][c];
        counts[splitName(split)] = row;
    }
    out["counts"] = counts;
    nlohmann::json rejected = nlohmann::json::array();
    for (const Rejected &r : index.rejected)
        rejected.push_back({{"path", r.path.string()}, {"reason", r.reason}});
    out["rejected"] = rejected;
    const SizeSummary sizes = summariseSizes(index);
    out["image_sizes"] = {{"images", sizes.images},
                          {"min_width", sizes.minWidth},
                          {"max_width", sizes.maxWidth},
                          {"median_width", sizes.medianWidth},
                          {"min_height", sizes.minHeight},
                          {"max_height", sizes.maxHeight},
                          {"median_height", sizes.medianHeight}};
    if (intensity) {
        nlohmann::json histograms = nlohmann::json::object();
        for (std::size_t c = 0; c < index.classes.size(); ++c) {
            const ClassHistogram &h = intensity->histograms[c];
            histograms[index.classes[c]] = {
                {"images", h.images}, {"mean", h.mean}, {"std", h.stddev}};
        }
        out["histograms"] = histograms;
        nlohmann::json failed = nlohmann::json::array();
        for (const Rejected &r : intensity->failed)
            failed.push_back({{"path", r.path.string()}, {"reason", r.reason}});
        out["decode_failures"] = failed;
    }
    return out;
}

void printTable(const DatasetIndex &index) {
    const auto splits = presentSplits(index);
    const auto table = index.counts();
    std::size_t nameWidth = 8;
    for (const auto &name : index.classes)
        nameWidth = std::max(nameWidth, name.size() + 2);
    std::cout << std::left << std::setw(static_cast<int>(nameWidth)) << "class" << std::right;
    for (Split split : splits)
        std::cout << std::setw(9) << splitName(split);
    std::cout << std::setw(9) << "total"
              << "\n";
    std::vector<std::size_t> columnTotals(splits.size(), 0);
    for (std::size_t c = 0; c < index.classes.size(); ++c) {
        std::cout << std::left << std::setw(static_cast<int>(nameWidth)) << index.classes[c]
                  << std::right;
        std::size_t total = 0;
        for (std::size_t s = 0; s < splits.size(); ++s) {
            const std::size_t n = table[static_cast<std::size_t>(splits[s])][c];
            std::cout << std::setw(9) << n;
            total += n;
            columnTotals[s] += n;
        }
        std::cout << std::setw(9) << total << "\n";
    }
    std::cout << std::left << std::setw(static_cast<int>(nameWidth)) << "total" << std::right;
    for (std::size_t n : columnTotals)
        std::cout << std::setw(9) << n;
    std::cout << std::setw(9) << index.samples.size() << "\n";
}

void printText(const DatasetIndex &index, const IntensityStatistics *intensity) {
    std::cout << "dataset: " << index.root.string() << "\n"
              << "layout:  " << layoutName(index.layout) << "\n\n";
    printTable(index);
    const SizeSummary sizes = summariseSizes(index);
    if (sizes.images > 0)
        std::cout << "\nimage sizes: width " << sizes.minWidth << "-" << sizes.maxWidth
                  << " (median " << sizes.medianWidth << "), height " << sizes.minHeight << "-"
                  << sizes.maxHeight << " (median " << sizes.medianHeight << ") px\n";
    if (intensity) {
        std::cout << "\nmean intensity per class (0 = black, 1 = white):\n";
        for (std::size_t c = 0; c < index.classes.size(); ++c) {
            const ClassHistogram &h = intensity->histograms[c];
            double mean = 0;
            for (int b = 0; b < kHistogramBins; ++b)
                mean += h.mean[static_cast<std::size_t>(b)] * (b + 0.5) / kHistogramBins;
            std::cout << "  " << std::left << std::setw(12) << index.classes[c] << std::right
                      << std::fixed << std::setprecision(3) << mean << "  (" << h.images
                      << " images)\n";
        }
        std::cout.unsetf(std::ios::fixed);
        for (const Rejected &r : intensity->failed)
            std::cout << "  could not decode " << r.path.string() << ": " << r.reason << "\n";
    }
    std::cout << "\n"
              << index.samples.size() << " images usable, " << index.rejected.size()
              << " rejected\n";
    for (const Rejected &r : index.rejected)
        std::cout << "  rejected " << r.path.string() << ": " << r.reason << "\n";
}

int runStats(const StatsArgs &args) {
    ScanOptions options;
    options.threads = args.threads;
    if (!args.layout.empty()) {
        options.layout = parseLayout(args.layout);
        if (!options.layout) {
            std::cerr << "cxr stats: unknown layout \"" << args.layout
                      << "\" (use coronahack, kermany or class-folders)\n";
            return 1;
        }
    }
    try {
        auto scanProgress = std::make_shared<ProgressLine>("scanning");
        options.progress = [scanProgress](std::size_t done, std::size_t total) {
            scanProgress->update(done, total);
        };
        const DatasetIndex index = scan(args.dataset, options);
        scanProgress.reset();

        std::unique_ptr<IntensityStatistics> intensity;
        if (args.histograms) {
            ProgressLine histogramProgress("histograms");
            IntensityOptions intensityOptions;
            intensityOptions.maxImagesPerClass = args.maxPerClass;
            intensityOptions.threads = args.threads;
            intensityOptions.progress = [&histogramProgress](std::size_t done, std::size_t total) {
                histogramProgress.update(done, total);
            };
            intensity = std::make_unique<IntensityStatistics>(
                computeIntensityStatistics(index, intensityOptions));
        }
        if (args.json)
            std::cout << toJson(index, intensity.get()).dump(2) << "\n";
        else
            printText(index, intensity.get());
        return 0;
    } catch (const Error &e) {
        std::cerr << "cxr stats: " << e.what() << "\n";
        return 1;
    }
}

} // namespace

void addStatsCommand(CLI::App &app, int &exitCode) {
    auto args = std::make_shared<StatsArgs>();
    CLI::App *cmd = app.add_subcommand(
        "stats", "Scan a dataset: layout, images per class and split, rejected files");
    cmd->add_option("dataset", args->dataset, "Dataset folder or CoronaHack metadata CSV")
        ->required();
    cmd->add_flag("--json", args->json, "Print one JSON object instead of a table");
    cmd->add_option("--layout", args->layout, "Force a layout: coronahack, kermany, class-folders");
    cmd->add_flag("--histograms",
                  args->histograms,
                  "Also decode the images for per-class intensity histograms");
    cmd->add_option("--max-per-class",
                    args->maxPerClass,
                    "With --histograms: at most this many images per class (0 = all)");
    cmd->add_option("--threads", args->threads, "Worker threads (0 = all cores)");
    cmd->callback([args, &exitCode] { exitCode = runStats(*args); });
}

} // namespace cxr::cli
