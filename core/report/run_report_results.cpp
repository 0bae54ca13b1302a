// SPDX-License-Identifier: MIT
// The run report's test-result sections, read from summary.json (its keys
// are documented in eval/metrics_json.h and train/run_directory.cpp).
#include <sstream>

#include "eval/metrics_json.h"
#include "report/run_report_parts.h"
#include "report/svg_chart.h"

namespace cxr::report {
namespace {

bool finished(HtmlPage &page, const RunRecord &run) {
    if (run.summary)
        return true;
    page.paragraph("Written when the run finishes.");
    return false;
}

std::string withInterval(const nlohmann::json &object, const std::string &key) {
    const std::string value = formatNumber(object.value(key, nlohmann::json()));
    const std::string interval = formatInterval(object.value(key + "_ci95", nlohmann::json()));
    return interval == "n/a" ? value : value + " (" + interval + ")";
}

std::vector<double> numbers(const nlohmann::json &list) {
    std::vector<double> out;
    if (list.is_array())
        for (const nlohmann::json &v : list)
            out.push_back(v.is_number() ? v.get<double>() : std::nan(""));
    return out;
}

Chart reliabilityChart(const std::vector<ReliabilityBin> &bins, const std::string &title) {
    Chart chart;
    chart.title = title;
    chart.xLabel = "confidence (top probability)";
    chart.yLabel = "accuracy";
    chart.diagonal = true;
    chart.barsName = "accuracy in the bin";
    ChartSeries mean{"mean confidence", {}, {}, LineStyle::Markers, 1};
    for (const ReliabilityBin &bin : bins)
        if (bin.count > 0) {
            chart.bars.push_back({bin.lower, bin.upper, bin.accuracy});
            mean.x.push_back(bin.confidence);
            mean.y.push_back(bin.accuracy);
        }
    chart.series.push_back(mean);
    return chart;
}

std::string binCounts(const std::vector<ReliabilityBin> &bins) {
    std::string text;
    for (const ReliabilityBin &bin : bins)
        if (bin.count > 0)
            text += (text.empty() ? "" : ", ") + formatNumber(bin.lower, 2) + "-" +
                    formatNumber(bin.upper, 2) + ": " + std::to_string(bin.count);
    return "Images per bin: " + text + ".";
}

} // namespace

void testMetricsSection(HtmlPage &page, const RunRecord &run) {
    page.heading("Test results", "test-metrics");
    if (!finished(page, run))
        return;
    const nlohmann::json &test = run.summaryAt("test");
    page.paragraph("Measured once, on the test split, with the best epoch's weights and the "
                   "calibrated probabilities. Intervals are 95% bootstrap intervals over the "
                   "test images (1,000 resamples).");
    page.table({"measure", "value (95% interval)"},
               {{"images", std::to_string(test.value("images", std::size_t{0}))},
                {"accuracy", withInterval(test, "accuracy")},
                {"balanced accuracy", withInterval(test, "balanced_accuracy")},
                {"macro-F1", withInterval(test, "macro_f1")},
                {"mean loss", formatNumber(test.value("loss", nlohmann::json()))}});
    std::vector<std::vector<std::string>> rows;
    const nlohmann::json perClass = test.value("per_class", nlohmann::json::object());
    for (const std::string &name : run.classes) {
        if (!perClass.contains(name))
            continue;
        const nlohmann::json &c = perClass[name];
        rows.push_back({name,
                        std::to_string(c.value("support", std::size_t{0})),
                        withInterval(c, "sensitivity"),
                        withInterval(c, "specificity"),
                        withInterval(c, "ppv"),
                        withInterval(c, "npv"),
                        withInterval(c, "f1"),
                        withInterval(c, "auc")});
    }
    page.subheading("Per class (one against the rest; predicted class = highest probability)");
    page.table({"class", "images", "sensitivity", "specificity", "PPV", "NPV", "F1", "ROC AUC"},
               rows);
}

void confusionSection(HtmlPage &page, const RunRecord &run) {
    page.heading("Confusion matrix", "confusion");
    if (!finished(page, run))
        return;
    const nlohmann::json confusion = run.summaryAt("test").value("confusion", nlohmann::json());
    if (!confusion.is_array() || confusion.size() != run.classes.size()) {
        page.paragraph("The summary holds no confusion matrix.");
        return;
    }
    std::vector<std::string> header = {"true \\ predicted"};
    header.insert(header.end(), run.classes.begin(), run.classes.end());
    std::vector<std::vector<std::string>> rows;
    for (std::size_t t = 0; t < run.classes.size(); ++t) {
        std::size_t total = 0;
        for (const nlohmann::json &n : confusion[t])
            total += n.get<std::size_t>();
        std::vector<std::string> row = {run.classes[t]};
        for (const nlohmann::json &n : confusion[t]) {
            const std::size_t count = n.get<std::size_t>();
            row.push_back(std::to_string(count) +
                          (total ? " (" + formatNumber(100.0 * count / total, 0) + "%)" : ""));
        }
        rows.push_back(std::move(row));
    }
    page.table(header, rows);
    page.paragraph("Rows are the true classes, columns the predicted ones; the percentage is of "
                   "the row.");
}

void curvesSection(HtmlPage &page, const RunRecord &run) {
    page.heading("ROC and precision-recall curves", "curves");
    const nlohmann::json &curves = run.summaryAt("test_curves");
    if (!finished(page, run))
        return;
    if (!curves.is_object()) {
        page.paragraph("The summary holds no curves.");
        return;
    }
    Chart roc, pr;
    roc.title = "ROC, one class against the rest";
    roc.xLabel = "1 - specificity (false positive rate)";
    roc.yLabel = "sensitivity";
    roc.diagonal = true;
    pr.title = "Precision-recall";
    pr.xLabel = "recall (sensitivity)";
    pr.yLabel = "precision (PPV)";
    const nlohmann::json rocAuc = run.summaryAt("test").value("roc_auc", nlohmann::json::object());
    for (std::size_t c = 0; c < run.classes.size(); ++c) {
        const std::string &name = run.classes[c];
        const nlohmann::json r = curves.value("roc_curves", nlohmann::json::object())
                                     .value(name, nlohmann::json::object());
        const nlohmann::json p = curves.value("pr_curves", nlohmann::json::object())
                                     .value(name, nlohmann::json::object());
        roc.series.push_back(
            {name + " (AUC " + formatNumber(rocAuc.value(name, nlohmann::json())) + ")",
             numbers(r.value("fpr", nlohmann::json())),
             numbers(r.value("tpr", nlohmann::json())),
             LineStyle::Solid,
             static_cast<int>(c)});
        pr.series.push_back(
            {name + " (AP " + formatNumber(p.value("average_precision", nlohmann::json())) + ")",
             numbers(p.value("recall", nlohmann::json())),
             numbers(p.value("precision", nlohmann::json())),
             LineStyle::Solid,
             static_cast<int>(c)});
    }
    page.figures({{renderSvg(roc),
                   "Each class against all others on the test images; the dotted line is "
                   "chance. The per-class table gives each AUC's interval."},
                  {renderSvg(pr),
                   "Precision against recall; AP is the average precision. A class with few "
                   "test images gives a jagged curve."}});
}

void calibrationSection(HtmlPage &page, const RunRecord &run) {
    page.heading("Calibration", "calibration");
    if (!finished(page, run))
        return;
    const nlohmann::json &calibration = run.summaryAt("calibration");
    if (calibration.is_object())
        page.paragraph("Temperature scaling (Guo et al. 2017): T = " +
                       formatNumber(calibration.value("temperature", nlohmann::json())) +
                       ", fitted on the " + calibration.value("fitted_on", std::string("val")) +
                       " images. Expected calibration error (15 bins): validation " +
                       formatNumber(calibration.value("val_ece", nlohmann::json())) + " before, " +
                       formatNumber(calibration.value("val_ece_calibrated", nlohmann::json())) +
                       " after; test " +
                       formatNumber(calibration.value("test_ece", nlohmann::json())) + " before, " +
                       formatNumber(calibration.value("test_ece_calibrated", nlohmann::json())) +
                       " after.");
    else
        page.paragraph("The run had no validation images to fit a temperature on: the "
                       "probabilities are the network's own.");
    const nlohmann::json &reliability = run.summaryAt("test_reliability");
    if (!reliability.is_object()) {
        page.paragraph("The summary holds no reliability diagram.");
        return;
    }
    std::vector<HtmlPage::Figure> figures;
    const auto before =
        reliabilityFromJson(reliability.value("uncalibrated_bins", nlohmann::json()));
    const auto after = reliabilityFromJson(reliability.value("bins", nlohmann::json()));
    if (!before.empty())
        figures.push_back(
            {renderSvg(reliabilityChart(before, "Test reliability, before")), binCounts(before)});
    figures.push_back({renderSvg(reliabilityChart(
                           after, before.empty() ? "Test reliability" : "Test reliability, after")),
                       binCounts(after)});
    page.figures(figures);
    page.paragraph("A calibrated model's bars reach the dotted diagonal: of the images it gives "
                   "0.8, about 80% are right. Bins with few images say little.");
}

void operatingPointsSection(HtmlPage &page, const RunRecord &run) {
    page.heading("Operating points", "operating-points");
    if (!finished(page, run))
        return;
    const nlohmann::json &points = run.summaryAt("operating_points");
    if (!points.is_array() || points.empty()) {
        page.paragraph("No operating point was chosen (the run had no validation images).");
        return;
    }
    std::vector<std::vector<std::string>> rows;
    for (const nlohmann::json &point : points) {
        const nlohmann::json here = point.value("here", nlohmann::json::object());
        rows.push_back({point.value("class", std::string()),
                        point.value("goal", std::string()),
                        formatNumber(point.value("threshold", nlohmann::json())),
                        formatNumber(here.value("sensitivity", nlohmann::json())),
                        formatNumber(here.value("specificity", nlohmann::json())),
                        formatNumber(here.value("ppv", nlohmann::json())),
                        formatNumber(here.value("npv", nlohmann::json())),
                        std::to_string(here.value("true_positives", 0)) + " / " +
                            std::to_string(here.value("false_positives", 0)) + " / " +
                            std::to_string(here.value("true_negatives", 0)) + " / " +
                            std::to_string(here.value("false_negatives", 0))});
    }
    page.paragraph("A threshold per class, chosen on the validation images for the goal shown "
                   "(Youden: the largest sensitivity + specificity - 1), and what it gives on "
                   "the test images. An image is called positive for a class when its "
                   "calibrated probability reaches the threshold.");
    page.table({"class",
                "goal",
                "threshold",
                "sensitivity",
                "specificity",
                "PPV",
                "NPV",
                "TP / FP / TN / FN"},
               rows);
}

void gateSection(HtmlPage &page, const RunRecord &run) {
    page.heading("Out-of-distribution gate", "ood-gate");
    if (!finished(page, run))
        return;
    const nlohmann::json &gate = run.summaryAt("ood_gate");
    if (!gate.is_object()) {
        page.paragraph("The model carries no gate: images unlike the training images are "
                       "classified without a warning.");
        return;
    }
    const std::string from = gate.value("threshold_from", std::string("val"));
    const bool layout = gate.contains("views") && gate["views"].size() > 1;
    page.paragraph(
        std::string(layout ? "Mahalanobis distances of the network's pooled features, their "
                             "spread over the image and the image's coarse appearance"
                           : "A Mahalanobis distance on the network's pooled features") +
        " (Lee et al. 2018), fitted on " + std::to_string(gate.value("train_images", 0)) +
        " training images (" + std::to_string(gate.value("components", 0)) +
        " directions); an image scoring above " +
        formatNumber(gate.value("threshold", nlohmann::json()), 1) + " (" +
        (from == "cross-fitted"
             ? std::string("the 99th percentile of the training images' scores under gates "
                           "fitted without them, rescaled to the validation images")
             : "the 99th percentile of the " + from + " images") +
        ") is reported as unlike the training images. It flags " +
        std::to_string(gate.value("test_flagged", 0)) + " of the " +
        std::to_string(run.summaryAt("test").value("images", 0)) + " test images.");
}

void limitsSection(HtmlPage &page, const RunRecord &run) {
    page.heading("What this report cannot tell", "limits");
    page.bullets(
        {"How another training run would do: every figure here comes from one seed (" +
             std::to_string(run.config.seed) +
             "). The intervals cover the choice of test images, not of the seed; train with "
             "other seeds to see that spread.",
         "How the model does on other hospitals' images: the test images come from the same "
         "collection as the training images, with its sources, devices and patients.",
         "Whether the network looked at the disease: a Grad-CAM map shows which regions "
         "raised the score, which may be text, borders or devices rather than lung.",
         "Anything about a patient: this is research and teaching software, not a medical "
         "device."});
}

} // namespace cxr::report
