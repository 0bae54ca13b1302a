// SPDX-License-Identifier: MIT
#include "report/run_report.h"

#include <chrono>
#include <ctime>
#include <iomanip>
#include <numeric>
#include <sstream>

#include "atomic_file.h"
#include "errors.h"
#include "explain/overlay.h"
#include "report/run_report_parts.h"
#include "report/svg_chart.h"

namespace cxr {
namespace report {
namespace fs = std::filesystem;

const nlohmann::json &RunRecord::summaryAt(const std::string &key) const {
    static const nlohmann::json null;
    if (!summary || !summary->contains(key))
        return null;
    return (*summary)[key];
}

std::string formatNumber(double value, int digits) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(digits) << value;
    return out.str();
}

std::string formatNumber(const nlohmann::json &value, int digits) {
    return value.is_number() ? formatNumber(value.get<double>(), digits) : "n/a";
}

std::string formatInterval(const nlohmann::json &interval) {
    if (!interval.is_array() || interval.size() != 2 || !interval[0].is_number() ||
        !interval[1].is_number())
        return "n/a";
    return formatNumber(interval[0]) + "-" + formatNumber(interval[1]);
}

namespace {

RunRecord readRun(const fs::path &folder) {
    RunRecord run;
    run.folder = folder;
    run.config = RunDirectory::readConfig(folder); // throws for a folder that is no run
    run.metrics = RunDirectory::readMetrics(folder);
    run.summary = RunDirectory::readSummary(folder);
    run.dataset = RunDirectory::readDataset(folder);
    run.predictions = RunDirectory::readTestPredictions(folder, &run.classes);
    if (run.summary && run.summary->contains("classes") && (*run.summary)["classes"].is_array())
        run.classes = (*run.summary)["classes"].get<std::vector<std::string>>();
    else if (run.dataset)
        run.classes = run.dataset->classes;
    return run;
}

// The flat "key: value" rows of a JSON object (nested objects as a.b).
void flatten(const nlohmann::json &json,
             const std::string &prefix,
             std::vector<std::vector<std::string>> &rows) {
    for (auto it = json.begin(); it != json.end(); ++it) {
        const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (it->is_object())
            flatten(*it, key, rows);
        else if (it->is_array() && it->size() > 4)
            rows.push_back({key, std::to_string(it->size()) + " entries (config.json lists them)"});
        else
            rows.push_back({key, it->is_string() ? it->get<std::string>() : it->dump()});
    }
}

} // namespace

void overviewSection(HtmlPage &page, const RunRecord &run) {
    page.heading("Overview", "overview");
    const int epochs = run.metrics.empty() ? 0 : run.metrics.back().epoch;
    page.paragraph(std::string(architectureInfo(run.config.arch).title) + ", task " +
                   taskInfo(run.config.task).description + ", run folder " + run.folder.string() +
                   ".");
    if (!run.summary) {
        page.warning("This run has not finished: " + std::to_string(epochs) + " of " +
                     std::to_string(run.config.epochs) +
                     " epochs are recorded and there are no test results yet. The sections "
                     "below show what the run folder holds so far.");
        return;
    }
    const nlohmann::json &test = run.summaryAt("test");
    const std::size_t images = test.value("images", std::size_t{0});
    page.paragraph("Best epoch " + std::to_string(run.summary->value("best_epoch", 0)) + " of " +
                   std::to_string(run.summary->value("epochs_run", 0)) +
                   (run.summary->value("early_stopped", false) ? " (stopped early)" : "") +
                   ". On " + std::to_string(images) + " test images: balanced accuracy " +
                   formatNumber(test.value("balanced_accuracy", nlohmann::json())) + " (95% " +
                   formatInterval(test.value("balanced_accuracy_ci95", nlohmann::json())) +
                   "), accuracy " + formatNumber(test.value("accuracy", nlohmann::json())) +
                   ", macro-F1 " + formatNumber(test.value("macro_f1", nlohmann::json())) + ".");
    std::vector<std::string> cautions;
    if (images > 0 && images < 200)
        cautions.push_back("The test split has " + std::to_string(images) +
                           " images, so the intervals are wide: differences between runs "
                           "smaller than them are not evidence of a better model.");
    const nlohmann::json perClass = test.value("per_class", nlohmann::json::object());
    for (auto it = perClass.begin(); it != perClass.end(); ++it)
        if (it->value("support", std::size_t{0}) < 10)
            cautions.push_back("Class " + it.key() + " has " +
                               std::to_string(it->value("support", std::size_t{0})) +
                               " test images: its sensitivity and PPV are hardly measured.");
    const nlohmann::json &gate = run.summaryAt("ood_gate");
    if (gate.is_object() && images > 0 && gate.value("test_flagged", std::size_t{0}) * 20 > images)
        cautions.push_back("The out-of-distribution gate flags " +
                           std::to_string(gate.value("test_flagged", std::size_t{0})) + " of " +
                           std::to_string(images) +
                           " test images, more than the 1% its threshold was set for: the test "
                           "images may differ from the training images, or the threshold rests "
                           "on too few validation images.");
    for (const std::string &caution : cautions)
        page.warning(caution);
}

void configurationSection(HtmlPage &page, const RunRecord &run) {
    page.heading("Configuration", "configuration");
    std::vector<std::vector<std::string>> settings;
    flatten(toJson(run.config), "", settings);
    // Two settings to a row: half the height on paper.
    const std::size_t half = (settings.size() + 1) / 2;
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < half; ++i) {
        std::vector<std::string> row = settings[i];
        if (i + half < settings.size())
            row.insert(row.end(), settings[i + half].begin(), settings[i + half].end());
        rows.push_back(std::move(row));
    }
    page.paragraph("As written to config.json; the names are those of cxr train's options and "
                   "of --config files.");
    page.table({"setting", "value", "setting", "value"}, rows, false);
}

void datasetSection(HtmlPage &page, const RunRecord &run) {
    page.heading("Dataset", "dataset");
    if (!run.dataset) {
        page.paragraph("The run folder has no dataset.json, so the dataset it was trained on "
                       "is not recorded.");
        return;
    }
    const RunDataset &d = *run.dataset;
    page.table({"", ""},
               {{"path", d.root.string()},
                {"layout", d.layout},
                {"fingerprint (SHA-256 of file list, labels, splits, sizes)", d.fingerprint},
                {"files the scan could not use", std::to_string(d.rejected)}},
               false);
    std::vector<std::vector<std::string>> rows;
    std::vector<std::size_t> totals(4, 0);
    for (std::size_t c = 0; c < d.classes.size(); ++c) {
        std::vector<std::string> row = {d.classes[c]};
        std::size_t sum = 0;
        for (std::size_t s = 0; s < d.counts.size() && s < 3; ++s) {
            const std::size_t n = c < d.counts[s].size() ? d.counts[s][c] : 0;
            row.push_back(std::to_string(n));
            sum += n;
            totals[s] += n;
        }
        row.push_back(std::to_string(sum));
        totals[3] += sum;
        rows.push_back(std::move(row));
    }
    rows.push_back({"all",
                    std::to_string(totals[0]),
                    std::to_string(totals[1]),
                    std::to_string(totals[2]),
                    std::to_string(totals[3])});
    page.subheading("Images per split and class, as the run used them");
    page.table({"class", "train", "val", "test", "total"}, rows);
}

void trainingSection(HtmlPage &page, const RunRecord &run) {
    page.heading("Training", "training");
    if (run.metrics.empty()) {
        page.paragraph("No epoch has finished yet.");
        return;
    }
    Chart loss, score;
    loss.title = "Loss";
    score.title = "Balanced accuracy";
    loss.xLabel = score.xLabel = "epoch";
    loss.yLabel = "mean loss";
    score.yLabel = "balanced accuracy";
    loss.integerX = score.integerX = true;
    double maxLoss = 0;
    const char *splits[] = {"train", "val"};
    for (int s = 0; s < 2; ++s) {
        ChartSeries l{
            std::string(splits[s]), {}, {}, s == 0 ? LineStyle::Solid : LineStyle::Dashed, s};
        ChartSeries b = l;
        for (const MetricsRow &row : run.metrics)
            if (row.split == splits[s]) {
                l.x.push_back(row.epoch);
                l.y.push_back(row.loss);
                b.x.push_back(row.epoch);
                b.y.push_back(row.balancedAccuracy);
                maxLoss = std::max(maxLoss, row.loss);
            }
        if (!l.x.empty()) {
            loss.series.push_back(l);
            score.series.push_back(b);
        }
    }
    const int lastEpoch = run.metrics.back().epoch;
    loss.xMin = score.xMin = 1;
    loss.xMax = score.xMax = std::max(2, lastEpoch);
    loss.yMax = maxLoss > 0 ? maxLoss * 1.05 : 1;
    const int best = run.summary ? run.summary->value("best_epoch", 0) : 0;
    for (const MetricsRow &row : run.metrics)
        if (best > 0 && row.epoch == best && row.split == "val")
            score.series.push_back(
                {"best epoch", {double(best)}, {row.balancedAccuracy}, LineStyle::Markers, 6});
    page.figures({{renderSvg(loss), "Mean loss per epoch on the training and validation images."},
                  {renderSvg(score),
                   "Balanced accuracy per epoch; the best validation epoch's weights are the "
                   "model (best.pt)."}});
    double seconds = 0;
    double firstRate = 0, lastRate = 0;
    for (const MetricsRow &row : run.metrics)
        if (row.split == "train") {
            seconds += row.seconds;
            if (firstRate == 0)
                firstRate = row.learningRate;
            lastRate = row.learningRate;
        }
    std::ostringstream text;
    text << lastEpoch << " epochs took " << formatNumber(seconds / 60.0, 1)
         << " minutes of training; the learning rate went from " << firstRate << " to " << lastRate
         << ".";
    page.paragraph(text.str());
}

} // namespace report

const std::vector<std::string> &runReportSections() {
    static const std::vector<std::string> ids = {"overview",
                                                 "configuration",
                                                 "dataset",
                                                 "training",
                                                 "test-metrics",
                                                 "confusion",
                                                 "curves",
                                                 "calibration",
                                                 "operating-points",
                                                 "ood-gate",
                                                 "examples",
                                                 "limits"};
    return ids;
}

std::string runReportHtml(const RunReportOptions &options) {
    using namespace report;
    const RunRecord run = readRun(options.run);
    HtmlPage page("CXR Studio run report: " + options.run.filename().string(),
                  "Research and teaching software, not for clinical use. These figures "
                  "describe one model on one dataset's test images; they are not a diagnosis "
                  "and not a clinical validation.");
    overviewSection(page, run);
    configurationSection(page, run);
    datasetSection(page, run);
    trainingSection(page, run);
    testMetricsSection(page, run);
    confusionSection(page, run);
    curvesSection(page, run);
    calibrationSection(page, run);
    operatingPointsSection(page, run);
    gateSection(page, run);
    examplesSection(page, run, options);
    limitsSection(page, run);
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm local{};
    localtime_r(&now, &local);
    std::ostringstream footer;
    footer << "Written " << std::put_time(&local, "%Y-%m-%d %H:%M") << " by "
           << (options.generator.empty() ? std::string("CXR Studio") : options.generator)
           << " from " << fs::absolute(options.run).string() << ".";
    page.raw("<p class='meta'>" + escapeHtml(footer.str()) + "</p>\n");
    return page.str();
}

void writeRunReport(const RunReportOptions &options, const std::filesystem::path &out) {
    writeFileAtomically(out, runReportHtml(options));
}

} // namespace cxr
