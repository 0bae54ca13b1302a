// SPDX-License-Identifier: MIT
// `cxr phantoms --out DIR`: writes the synthetic demo dataset.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/progress_line.h"
#include "data/phantoms.h"
#include "errors.h"

namespace cxr::cli {
namespace {

struct PhantomArgs {
    std::string out;
    int perClass = 40;
    int testPerClass = -1; // default: a quarter of perClass, at least 1
    int size = 256;
    std::uint64_t seed = 1;
};

int runPhantoms(const PhantomArgs &args) {
    PhantomOptions options;
    options.trainPerClass = args.perClass;
    options.testPerClass =
        args.testPerClass >= 0 ? args.testPerClass : std::max(1, (args.perClass + 3) / 4);
    options.size = args.size;
    options.seed = args.seed;
    try {
        ProgressLine progress("phantoms");
        const std::size_t written = writePhantomDataset(
            args.out, options, [&progress](std::size_t done, std::size_t total) {
                progress.update(done, total);
            });
        std::cout << "wrote " << written << " synthetic images (" << options.trainPerClass
                  << " train + " << options.testPerClass << " test per class, " << options.size
                  << " px, seed " << options.seed << ") and their lesion masks to " << args.out
                  << "\n";
        return 0;
    } catch (const Error &e) {
        std::cerr << "cxr phantoms: " << e.what() << "\n";
    } catch (const std::invalid_argument &e) {
        std::cerr << "cxr phantoms: " << e.what() << "\n";
    }
    return 1;
}

} // namespace

void addPhantomsCommand(CLI::App &app, int &exitCode) {
    auto args = std::make_shared<PhantomArgs>();
    CLI::App *cmd = app.add_subcommand(
        "phantoms", "Write the synthetic demo dataset (class folders + lesion masks)");
    cmd->add_option("--out", args->out, "Output folder (new, empty, or an earlier phantom set)")
        ->required();
    cmd->add_option("--per-class", args->perClass, "Training images per class")
        ->check(CLI::Range(1, 100000));
    cmd->add_option("--test-per-class",
                    args->testPerClass,
                    "Test images per class (default: a quarter of --per-class)")
        ->check(CLI::Range(0, 100000));
    cmd->add_option("--size", args->size, "Image side in pixels")->check(CLI::Range(32, 4096));
    cmd->add_option("--seed", args->seed, "Random seed");
    cmd->callback([args, &exitCode] { exitCode = runPhantoms(*args); });
}

} // namespace cxr::cli
