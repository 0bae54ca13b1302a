// SPDX-License-Identifier: MIT
// `cxr report RUN --out report.html [--dataset PATH] [--examples N]`
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/progress_line.h"
#include "errors.h"
#include "report/run_report.h"

namespace cxr::cli {
namespace {

struct ReportArgs {
    std::string run, out, dataset;
    int examples = 3;
};

int runReport(const ReportArgs &args) {
    try {
        RunReportOptions options;
        options.run = args.run;
        if (!args.dataset.empty())
            options.dataset = args.dataset;
        options.examples = args.examples;
        options.generator = "cxr " CXR_VERSION;
        ProgressLine progress("report");
        options.progress = [&progress](std::size_t done, std::size_t total) {
            progress.update(done, total);
        };
        writeRunReport(options, args.out);
        progress.finish();
        std::cout << "wrote " << args.out << "\n";
        return 0;
    } catch (const std::exception &e) {
        std::cerr << "cxr report: " << e.what() << "\n";
        return 1;
    }
}

} // namespace

void addReportCommand(CLI::App &app, int &exitCode) {
    auto args = std::make_shared<ReportArgs>();
    CLI::App *cmd = app.add_subcommand(
        "report",
        "Write one self-contained HTML file describing a training run: configuration, dataset, "
        "curves over epochs, test metrics with intervals, ROC, precision-recall and reliability "
        "plots, confusion matrix, operating points, the out-of-distribution gate and Grad-CAM "
        "overlays of correct and wrong test images. Opens offline; prints to PDF from a browser");
    cmd->add_option("run", args->run, "Run folder (written by cxr train or the app)")->required();
    cmd->add_option("--out", args->out, "The HTML file to write")->required();
    cmd->add_option("--dataset",
                    args->dataset,
                    "Where the run's dataset is now, when it moved since training (the overlays "
                    "read its test images)");
    cmd->add_option("--examples", args->examples, "Overlays of correct and of wrong images, each")
        ->check(CLI::Range(0, 20))
        ->capture_default_str();
    cmd->callback([args, &exitCode] { exitCode = runReport(*args); });
}

} // namespace cxr::cli
