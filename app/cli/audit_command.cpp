// SPDX-License-Identifier: MIT
// `cxr audit DATASET [--json] [--report FILE] [--write-exclusions FILE]`:
// copies of one film, patients in several splits, shortcuts, outliers.
#include <iomanip>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "atomic_file.h"
#include "audit/audit_json.h"
#include "audit/dataset_audit.h"
#include "audit/survey_cache.h"
#include "cli/commands.h"
#include "cli/progress_line.h"
#include "data/dataset_scan.h"
#include "errors.h"
#include "report/audit_report.h"

namespace cxr::cli {
namespace {

struct AuditArgs {
    std::string dataset, report, exclusions;
    bool json = false, noCache = false;
    int threads = 0;
};

void printText(const DatasetIndex &index, const DatasetAudit &audit) {
    const DatasetAudit::CopyCounts copies = audit.copyCounts();
    std::cout << std::fixed << std::setprecision(2) << audit.images << " images audited in "
              << audit.seconds << " s (" << index.root.string() << "; " << audit.fromCache
              << " unchanged since an earlier audit)\n"
              << "copies of one film: " << copies.groups << " groups, " << copies.extraCopies
              << " extra copies; " << copies.acrossSplits << " groups across splits (leakage), "
              << copies.conflictingLabels << " with conflicting labels\n"
              << "patients in several splits: " << audit.patients.size() << "\n";
    if (audit.shortcut.groups.empty())
        std::cout << "shortcuts: not measured (needs two classes with 10 images each)\n";
    else {
        std::cout << "shortcuts (balanced accuracy from properties alone, chance "
                  << audit.shortcut.chance << "):";
        for (const ShortcutGroup &g : audit.shortcut.groups)
            std::cout << "  " << g.name << " " << g.balancedAccuracy;
        std::cout << "\n";
    }
    if (!audit.shortcut.warning.empty())
        std::cout << "warning: " << audit.shortcut.warning << "\n";
    std::cout << "images unlike the rest: " << audit.outliers.size() << "\n";
    for (std::size_t i = 0; i < audit.outliers.size() && i < 10; ++i)
        std::cout << "  " << audit.outliers[i].score << "  "
                  << index.samples[audit.outliers[i].sample].path.string() << "\n";
    for (const Rejected &r : audit.unreadable)
        std::cout << "unreadable: " << r.path.string() << ": " << r.reason << "\n";
}

int runAudit(const AuditArgs &args) {
    DatasetIndex index;
    try {
        index = scan(args.dataset);
    } catch (const std::exception &e) {
        std::cerr << "cxr audit: " << e.what() << "\n";
        return 1;
    }
    try {
        ProgressLine progress("audit");
        AuditOptions options;
        options.threads = args.threads;
        if (!args.noCache)
            options.cacheFolder = SurveyCache::defaultFolder();
        const DatasetAudit audit =
            auditDataset(index, options, [&progress](std::size_t done, std::size_t total) {
                progress.update(done, total);
            });
        progress.finish();
        if (!args.exclusions.empty()) {
            const std::vector<std::string> paths = auditExclusions(index, audit);
            writeFileAtomically(args.exclusions, exclusionsFileText(index, paths));
            std::cerr << "cxr audit: " << paths.size() << " images to leave out written to "
                      << args.exclusions << "\n";
        }
        if (!args.report.empty()) {
            writeAuditReport(index, audit, args.report);
            std::cerr << "cxr audit: report written to " << args.report << "\n";
        }
        if (args.json)
            std::cout << auditJson(index, audit).dump(2) << "\n";
        else
            printText(index, audit);
        return 0;
    } catch (const std::exception &e) {
        std::cerr << "cxr audit: " << e.what() << "\n";
        return 1;
    }
}

} // namespace

void addAuditCommand(CLI::App &app, int &exitCode) {
    auto args = std::make_shared<AuditArgs>();
    CLI::App *cmd = app.add_subcommand(
        "audit",
        "Check a dataset before training on it: the same film more than once (exact and near "
        "copies, within and across splits, with conflicting labels), patients in several "
        "splits, classes that can be told from image size, file type, intensity or borders "
        "alone, and images unlike the rest. Exit 0 when the audit ran, whatever it found");
    cmd->add_option("dataset", args->dataset, "Dataset folder or CoronaHack CSV")->required();
    cmd->add_flag("--json", args->json, "Print the findings as JSON");
    cmd->add_option("--report", args->report, "Also write a self-contained HTML report here");
    cmd->add_option("--write-exclusions",
                    args->exclusions,
                    "Write the images to leave out (extra copies, conflicting labels, the "
                    "non-training images of patients in several splits) for cxr train --exclude");
    cmd->add_option("--threads", args->threads, "Decoding threads (0 = all cores)");
    cmd->add_flag("--no-cache",
                  args->noCache,
                  "Decode every image again instead of reusing what an earlier audit measured "
                  "of unchanged files");
    cmd->callback([args, &exitCode] { exitCode = runAudit(*args); });
}

} // namespace cxr::cli
