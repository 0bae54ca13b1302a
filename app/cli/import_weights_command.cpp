// SPDX-License-Identifier: MIT
// `cxr import-weights --arch A --from FILE|URL|NAME --classes C,... --out MODEL.pt`
#include <iostream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/progress_line.h"
#include "errors.h"
#include "weights/checkpoint.h"
#include "weights/weight_import.h"

namespace cxr::cli {
namespace {

struct ImportArgs {
    std::string arch;
    std::string from;
    std::string classes = "NORMAL,BACTERIA,VIRUS,COVID19";
    std::string out;
    int imageSize = 224;
    std::string cacheDir;
};

std::vector<std::string> splitList(const std::string &text) {
    std::vector<std::string> items;
    std::stringstream stream(text);
    for (std::string item; std::getline(stream, item, ',');)
        if (!item.empty())
            items.push_back(item);
    return items;
}

int runImport(const ImportArgs &args) {
    const auto arch = parseArchitecture(args.arch);
    if (!arch) {
        std::cerr << "cxr import-weights: unknown architecture \"" << args.arch
                  << "\" (use resnet50 or densenet121)\n";
        return 1;
    }
    const std::vector<std::string> classes = splitList(args.classes);
    if (classes.size() < 2) {
        std::cerr << "cxr import-weights: --classes needs at least two class names\n";
        return 1;
    }
    try {
        DownloadOptions download;
        if (!args.cacheDir.empty())
            download.cacheDir = args.cacheDir;
        ProgressLine progress("download");
        download.progress = [&progress](std::size_t done, std::size_t total) {
            progress.update(done, total);
        };
        const auto file = resolveWeightsSource(args.from, *arch, download);
        ImportedWeights imported = importWeights(*arch, static_cast<int>(classes.size()), file);

        Preprocessing preprocessing;
        preprocessing.imageSize = args.imageSize;
        const nlohmann::json metadata = {{"created_by", "cxr import-weights"},
                                         {"source", args.from},
                                         {"source_file", file.string()},
                                         {"source_sha256", imported.sha256},
                                         {"source_format", torchFileFormatName(imported.format)},
                                         {"head_reinitialised", imported.report.headReinitialised},
                                         {"missing", imported.report.missing},
                                         {"unexpected", imported.report.unexpected}};
        saveCheckpoint(args.out,
                       makeCheckpoint(*imported.network, classes, preprocessing, metadata.dump()));

        std::cout << "read " << file.string() << " (" << torchFileFormatName(imported.format)
                  << " format, sha256 " << imported.sha256.substr(0, 16) << "…)\n"
                  << imported.report.summary() << "\n"
                  << "wrote " << args.out << ": " << architectureName(*arch) << ", "
                  << classes.size() << " classes, " << args.imageSize << " px input\n";
        return 0;
    } catch (const Cancelled &) {
        std::cerr << "cxr import-weights: cancelled\n";
    } catch (const std::exception &e) {
        std::cerr << "cxr import-weights: " << e.what() << "\n";
    }
    return 1;
}

} // namespace

void addImportWeightsCommand(CLI::App &app, int &exitCode) {
    auto args = std::make_shared<ImportArgs>();
    CLI::App *cmd = app.add_subcommand(
        "import-weights", "Make a CXR Studio model from PyTorch weights (file, URL or known name)");
    cmd->add_option("--arch", args->arch, "resnet50 or densenet121")->required();
    cmd->add_option("--from",
                    args->from,
                    "Weights: a .pth/.pt/.pth.tar file, an http(s) URL, or imagenet / imagenet-v2")
        ->required();
    cmd->add_option("--classes", args->classes, "Comma-separated class names of the task")
        ->capture_default_str();
    cmd->add_option("--out", args->out, "The model file to write (.pt)")->required();
    cmd->add_option("--image-size", args->imageSize, "Network input size in pixels")
        ->check(CLI::Range(32, 1024))
        ->capture_default_str();
    cmd->add_option("--cache-dir", args->cacheDir, "Where downloads are kept");
    cmd->callback([args, &exitCode] { exitCode = runImport(*args); });
}

} // namespace cxr::cli
