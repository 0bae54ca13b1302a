// SPDX-License-Identifier: MIT
// cxr: the command-line twin of CXR Studio. Research and teaching software,
// not for clinical use.
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "allocator_tuning.h"
#include "cli/commands.h"

int main(int argc, char **argv) {
    cxr::tuneAllocatorForLargeBuffers();
    CLI::App app{"cxr " CXR_VERSION ": train and explain chest X-ray classifiers.\n"
                 "Research and teaching software - not for clinical use."};
    app.require_subcommand(1);
    app.set_version_flag("--version", "cxr " CXR_VERSION);
    int exitCode = 0;
    cxr::cli::addStatsCommand(app, exitCode);
    cxr::cli::addPhantomsCommand(app, exitCode);
    cxr::cli::addImportWeightsCommand(app, exitCode);
    cxr::cli::addPredictCommand(app, exitCode);
    cxr::cli::addTrainCommand(app, exitCode);
    cxr::cli::addEvalCommand(app, exitCode);
    cxr::cli::addReproduceCommand(app, exitCode);
    cxr::cli::addExplainCommand(app, exitCode);
    cxr::cli::addBenchCommand(app, exitCode);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        return app.exit(e);
    } catch (const std::exception &e) {
        // Commands report their own expected failures; this is the last net.
        std::cerr << "cxr: " << e.what() << "\n";
        return 1;
    }
    return exitCode;
}
