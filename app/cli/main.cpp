// SPDX-License-Identifier: MIT
// cxr: the command-line twin of CXR Studio. Research and teaching software,
// not for clinical use.
#include <exception>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "library_versions.h"

namespace {

// `cxr --version`: the program's version, then the libraries it runs with, so
// that a bug report says everything that matters in one paste.
std::string versionText() {
    std::string text = "cxr " CXR_VERSION "\n";
    for (const auto &[name, version] : cxr::coreLibraryVersions())
        text += "  " + name + " " + version + "\n";
#ifdef CXR_QT_VERSION
    text += "  Qt " CXR_QT_VERSION " (cxr-studio only; cxr does not load Qt)\n";
#endif
    text += "Research and teaching software - not for clinical use.";
    return text;
}

} // namespace

int main(int argc, char **argv) {
    CLI::App app{"cxr " CXR_VERSION ": train and explain chest X-ray classifiers.\n"
                 "Research and teaching software - not for clinical use."};
    app.require_subcommand(1);
    app.set_version_flag("--version", versionText, "Print the version and library versions");
    int exitCode = 0;
    cxr::cli::addStatsCommand(app, exitCode);
    cxr::cli::addAuditCommand(app, exitCode);
    cxr::cli::addPhantomsCommand(app, exitCode);
    cxr::cli::addImportWeightsCommand(app, exitCode);
    cxr::cli::addPredictCommand(app, exitCode);
    cxr::cli::addTrainCommand(app, exitCode);
    cxr::cli::addEvalCommand(app, exitCode);
    cxr::cli::addCalibrateCommand(app, exitCode);
    cxr::cli::addReportCommand(app, exitCode);
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
