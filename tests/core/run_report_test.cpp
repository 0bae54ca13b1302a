// SPDX-License-Identifier: MIT
// The run report's pieces (charts, the HTML page) and the report of a run
// folder written by hand: every section, the figures, escaping, and what it
// says of a run that has not finished. tests/e2e/cli_report_test.cpp covers
// a trained run, its Grad-CAM overlays and printing to PDF.
#include <random>
#include <regex>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "errors.h"
#include "eval/validation_fit.h"
#include "report/html_page.h"
#include "report/run_report.h"
#include "report/svg_chart.h"
#include "support/test_support.h"
#include "train/best_model.h"
#include "train/run_directory.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;

TEST(SvgChart, TicksAreRoundNumbersCoveringTheRange) {
    EXPECT_EQ(niceTicks(0, 1), (std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1.0}));
    EXPECT_EQ(niceTicks(1, 20, 8), (std::vector<double>{5, 10, 15, 20}));
    EXPECT_EQ(niceTicks(0.3, 2.4), (std::vector<double>{0.5, 1.0, 1.5, 2.0}));
    EXPECT_TRUE(niceTicks(1, 1).empty());
}

TEST(SvgChart, DrawsEachSeriesWithItsLegendAndEscapesText) {
    Chart chart;
    chart.title = "ROC <&>";
    chart.series.push_back({"A & B", {0, 0.5, 1}, {0, 0.8, 1}, LineStyle::Solid, 0});
    chart.series.push_back({"dots", {0.5}, {0.5}, LineStyle::Markers, 1});
    chart.series.push_back({"", {0, std::nan(""), 1}, {0, 0.5, 1}, LineStyle::Dashed, 2});
    const std::string svg = renderSvg(chart);
    EXPECT_EQ(svg.rfind("<svg", 0), 0u);
    EXPECT_NE(svg.find("ROC &lt;&amp;&gt;"), std::string::npos);
    EXPECT_NE(svg.find("A &amp; B"), std::string::npos);
    EXPECT_EQ(svg.find("<&>"), std::string::npos);
    // The first series is one path; the dashed one breaks at the NaN (two
    // moves); the markers are circles in the plot and one in the legend.
    EXPECT_EQ(test::countOf(svg, "<path"), 2u);
    EXPECT_EQ(test::countOf(svg, " M"), 3u);
    EXPECT_EQ(test::countOf(svg, "<circle"), 2u);
    EXPECT_NE(svg.find("stroke-dasharray='5 3'"), std::string::npos);
}

TEST(HtmlPage, EscapesTextAndEmbedsPictures) {
    EXPECT_EQ(escapeHtml("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
    EXPECT_EQ(base64(""), "");
    EXPECT_EQ(base64("f"), "Zg==");
    EXPECT_EQ(base64("foob"), "Zm9vYg==");
    EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
    HtmlPage page("Title <1>", "not for clinical use");
    page.heading("First", "first");
    page.paragraph("x < y");
    page.table({"a", "b", "c", "d"}, {{"1", "<2>", "0.25", "35%"}});
    page.figures({{imageTag(test::gradientImage(640, 100), "gradient", 320), "caption"}}, true);
    page.heading("Second", "second");
    const std::string html = page.str();
    EXPECT_NE(html.find("<title>Title &lt;1&gt;</title>"), std::string::npos);
    EXPECT_NE(html.find("<p>x &lt; y</p>"), std::string::npos);
    // Numbers and percentages are right-aligned; text is not.
    EXPECT_NE(html.find("<td>&lt;2&gt;</td><td class='num'>0.25</td><td class='num'>35%</td>"),
              std::string::npos);
    EXPECT_NE(html.find("width='320' height='50' src='data:image/jpeg;base64,/9j/"),
              std::string::npos);
    // Sections are closed: one opening and one closing tag each.
    EXPECT_EQ(test::countOf(html, "<section"), 2u);
    EXPECT_EQ(test::countOf(html, "</section>"), 2u);
    EXPECT_LT(html.find("not for clinical use"), html.find("<section"));
}

// A finished run of two classes, written as the trainer writes one (its
// test figures through summariseTest), without best.pt.
fs::path writeFinishedRun(const fs::path &dir) {
    TrainConfig config;
    config.task = Task::DatasetClasses;
    config.epochs = 2;
    const RunDirectory run = RunDirectory::create(dir, config);
    Metrics m;
    m.confusion = {{1, 0}, {0, 1}};
    for (int epoch = 1; epoch <= 2; ++epoch) {
        m.loss = 1.0 / epoch;
        m.balancedAccuracy = 0.5 + 0.2 * epoch;
        run.appendMetrics(epoch, "train", m, 1e-3, 30);
        run.appendMetrics(epoch, "val", m, 1e-3, 30);
    }
    const std::vector<std::string> classes = {"NORMAL", "PNEUMONIA"};
    std::mt19937 random(5);
    std::uniform_real_distribution<float> noise(0.0f, 0.6f);
    auto predictions = [&](std::size_t n) {
        Predictions p(2);
        std::vector<int> labels;
        std::vector<float> rows;
        for (std::size_t i = 0; i < n; ++i) {
            const int label = static_cast<int>(i % 2);
            const float score = (label ? 0.4f : 0.0f) + noise(random);
            labels.push_back(label);
            rows.insert(rows.end(), {1 - score, score});
        }
        p.add(labels, rows, 0.5);
        return p;
    };
    const Predictions val = predictions(30);
    const ValidationFit fit = fitOnValidation(val.probabilities, val.labels, classes, {}, "val");
    Predictions test = predictions(50);
    RunSummary summary;
    summary.classes = classes;
    summary.epochsRun = 2;
    summary.bestEpoch = 2;
    summariseTest(test, fit, 1, summary);
    summary.gate =
        RunSummary::Gate{90, 40, 51.5, "cross-fitted", 2, {"features", "spread", "appearance"}};
    run.writeSummary(summary);
    RunDataset dataset;
    dataset.root = dir / "no-such-dataset";
    dataset.layout = "class-folders";
    dataset.fingerprint = "0123456789abcdef";
    dataset.classes = classes;
    dataset.counts = {{100, 100}, {15, 15}, {25, 25}};
    run.writeDataset(dataset);
    return dir;
}

TEST(RunReport, HasEverySectionWithTheRunsFigures) {
    test::TempDir dir;
    const fs::path run = writeFinishedRun(dir / "run <b>");
    RunReportOptions options;
    options.run = run;
    const std::string html = runReportHtml(options);
    for (const std::string &id : runReportSections())
        EXPECT_NE(html.find("<section id='" + id + "'"), std::string::npos) << id;
    EXPECT_NE(html.find("run &lt;b&gt;"), std::string::npos);
    EXPECT_EQ(html.find("run <b>"), std::string::npos);
    EXPECT_NE(html.find("not for clinical use"), std::string::npos);
    EXPECT_NE(html.find("0123456789abcdef"), std::string::npos);
    EXPECT_NE(html.find("has 50 images, so the intervals are wide"), std::string::npos);
    EXPECT_NE(html.find("their spread over the image and the image&#39;s coarse appearance"),
              std::string::npos);
    EXPECT_NE(html.find("fitted without them"), std::string::npos);
    // Curves over epochs, ROC, precision-recall, reliability before and after.
    EXPECT_EQ(test::countOf(html, "<svg"), 6u);
    EXPECT_NE(html.find("Test reliability, before"), std::string::npos);
    EXPECT_NE(html.find("NORMAL (AUC "), std::string::npos);
    EXPECT_NE(html.find("youden"), std::string::npos);
    // No best.pt and no test predictions: the examples section says so.
    EXPECT_NE(html.find("no test predictions or no best.pt"), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("n/a (n/a)"), std::string::npos);

    writeRunReport(options, dir / "report.html");
    EXPECT_EQ(test::readFile(dir / "report.html").size(), html.size());
}

TEST(RunReport, SaysWhatAnUnfinishedRunLacks) {
    test::TempDir dir;
    TrainConfig config;
    config.epochs = 20;
    const RunDirectory run = RunDirectory::create(dir / "run", config);
    Metrics m;
    m.confusion = {{1}};
    run.appendMetrics(1, "train", m, 1e-3, 10);
    RunReportOptions options;
    options.run = dir / "run";
    const std::string html = runReportHtml(options);
    EXPECT_NE(html.find("This run has not finished: 1 of 20 epochs"), std::string::npos);
    EXPECT_NE(html.find("Written when the run finishes."), std::string::npos);
    for (const std::string &id : runReportSections())
        EXPECT_NE(html.find("<section id='" + id + "'"), std::string::npos) << id;

    options.run = dir / "nothing";
    try {
        runReportHtml(options);
        FAIL() << "a folder without a run was reported";
    } catch (const Error &e) {
        EXPECT_NE(std::string(e.what()).find("nothing"), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace cxr
