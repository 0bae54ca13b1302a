// SPDX-License-Identifier: MIT
// `cxr report` on a run trained on the real sample: every section, Grad-CAM
// overlays of correct and wrong test images, a dataset that moved, and the
// report printed to PDF by headless Chromium.
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "e2e/child_process.h"
#include "e2e/cli_runner.h"
#include "report/run_report.h"
#include "support/test_support.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;

std::optional<fs::path> findChromium() {
    for (const char *name : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
        if (fs::exists(name))
            return fs::path(name);
    return std::nullopt;
}

// Trains one epoch on the sample (about 20 s) into `dir`/run.
fs::path trainOnTheSample(const test::TempDir &dir) {
    const fs::path run = dir / "run";
    const test::CliResult trained = test::runCli({"train",
                                                  (test::sharedData() / "cxr-sample").string(),
                                                  "--out",
                                                  run.string(),
                                                  "--init",
                                                  "scratch",
                                                  "--epochs",
                                                  "1",
                                                  "--image-size",
                                                  "64",
                                                  "--batch-size",
                                                  "16"});
    EXPECT_EQ(trained.exitCode, 0) << trained.err << trained.out;
    return run;
}

// The run folder records its dataset and what the best model said of each
// test image, which the report needs.
void expectTheRunsRecords(const fs::path &run, const fs::path &data) {
    const auto dataset = nlohmann::json::parse(test::readFile(run / "dataset.json"));
    EXPECT_EQ(fs::path(dataset["path"].get<std::string>()), fs::weakly_canonical(data));
    EXPECT_EQ(dataset["fingerprint"].get<std::string>().size(), 64u);
    std::size_t images = 0;
    for (const auto &[split, classes] : dataset["images"].items())
        for (const auto &[name, n] : classes.items())
            images += n.get<std::size_t>();
    EXPECT_EQ(images, 160u);
    EXPECT_EQ(dataset["images"]["test"]["COVID19"], 10);

    const std::string predictions = test::readFile(run / "test_predictions.csv");
    EXPECT_EQ(predictions.rfind("file,label,predicted,NORMAL,BACTERIA,VIRUS,COVID19\n", 0), 0u);
    EXPECT_EQ(test::countOf(predictions, "\n"), 41u);
    EXPECT_NE(predictions.find("test/COVID19/"), std::string::npos);

    const auto summary = nlohmann::json::parse(test::readFile(run / "summary.json"));
    std::size_t binned = 0;
    for (const auto &bin : summary["test_reliability"]["bins"])
        binned += bin["count"].get<std::size_t>();
    EXPECT_EQ(binned, 40u);
    EXPECT_EQ(summary["test_reliability"]["uncalibrated_bins"].size(), 15u);
}

// A report of a run whose dataset moved lacks only the overlays.
void expectAReportWithoutTheDataset(const test::TempDir &dir, const fs::path &run) {
    const fs::path html = dir / "moved.html";
    const test::CliResult result = test::runCli({"report",
                                                 run.string(),
                                                 "--out",
                                                 html.string(),
                                                 "--dataset",
                                                 (dir / "elsewhere").string()});
    ASSERT_EQ(result.exitCode, 0) << result.err;
    const std::string text = test::readFile(html);
    EXPECT_NE(text.find("could not be drawn"), std::string::npos);
    EXPECT_NE(text.find("elsewhere"), std::string::npos);
    EXPECT_EQ(test::countOf(text, "src='data:image/jpeg"), 0u);
    EXPECT_NE(text.find("<section id='limits'"), std::string::npos);
}

TEST(CliReport, DescribesARunTrainedOnTheSampleAndPrintsToPdf) {
    CXR_REQUIRE_SHARED_DATA("cxr-sample");
    test::TempDir dir;
    const fs::path run = trainOnTheSample(dir);
    ASSERT_FALSE(HasFailure());
    expectTheRunsRecords(run, test::sharedData() / "cxr-sample");
    expectAReportWithoutTheDataset(dir, run);

    const fs::path html = dir / "report.html";
    const test::CliResult result = test::runCli({"report", run.string(), "--out", html.string()});
    ASSERT_EQ(result.exitCode, 0) << result.err;
    const std::string text = test::readFile(html);
    for (const std::string &id : runReportSections())
        EXPECT_NE(text.find("<section id='" + id + "'"), std::string::npos) << id;
    EXPECT_LT(text.find("not for clinical use"), text.find("<section"));
    // Two training charts, ROC, PR, reliability before and after.
    EXPECT_EQ(test::countOf(text, "<svg"), 6u);
    // One epoch of a scratch model gets some images right and some wrong:
    // three of each, or all there are.
    const std::size_t overlays = test::countOf(text, "src='data:image/jpeg;base64,");
    EXPECT_GE(overlays, 3u);
    EXPECT_LE(overlays, 6u);
    EXPECT_EQ(text.find("could not be drawn"), std::string::npos);
    EXPECT_NE(text.find("Wrong ("), std::string::npos);
    EXPECT_EQ(text.find("http"), text.find("http://www.w3.org/2000/svg")) << "no external link";

    const std::optional<fs::path> chromium = findChromium();
    if (!chromium)
        GTEST_SKIP() << "the PDF check needs Chromium (installer/install-deps.sh --extras)";
    const fs::path pdf = dir / "report.pdf";
    test::ChildProcess browser({chromium->string(),
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--no-pdf-header-footer",
                                "--print-to-pdf=" + pdf.string(),
                                "file://" + html.string()},
                               {"HOME=" + (dir / "home").string()},
                               dir / "chromium.log");
    const std::optional<int> exit = browser.wait(std::chrono::seconds(120));
    ASSERT_TRUE(exit.has_value()) << "Chromium did not finish printing in 2 minutes";
    ASSERT_EQ(*exit, 0) << test::readFile(dir / "chromium.log");
    const std::string bytes = test::readFile(pdf);
    ASSERT_EQ(bytes.rfind("%PDF-", 0), 0u);
    // A4 pages: the sections fit on a handful, none empty.
    const std::regex page("/Type\\s*/Page[^s]");
    const auto pages = static_cast<std::size_t>(
        std::distance(std::sregex_iterator(bytes.begin(), bytes.end(), page), {}));
    EXPECT_GE(pages, 3u);
    EXPECT_LE(pages, 8u);
}

TEST(CliReport, RefusesAFolderWithoutARun) {
    test::TempDir dir;
    const fs::path html = dir / "none.html";
    const test::CliResult result =
        test::runCli({"report", (dir / "not-a-run").string(), "--out", html.string()});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_NE(result.err.find("not-a-run"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("is not a run folder"), std::string::npos) << result.err;
    EXPECT_FALSE(fs::exists(html));
}

} // namespace
} // namespace cxr
