// SPDX-License-Identifier: MIT
// `cxr explain` and `cxr predict --folder` end to end on phantoms.
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "e2e/cli_runner.h"
#include "support/test_support.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;

// Phantoms plus a model trained on them for one quick epoch, shared by the
// tests of this suite (each test writes only its own files).
class ExplainFixture : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        s_dir = std::make_unique<test::TempDir>();
        const fs::path root = s_dir->path();
        s_ready = test::runCli({"phantoms",
                                "--out",
                                (root / "data").string(),
                                "--per-class",
                                "4",
                                "--test-per-class",
                                "2",
                                "--size",
                                "96"})
                          .exitCode == 0 &&
                  test::runCli({"train",
                                (root / "data").string(),
                                "--out",
                                (root / "run").string(),
                                "--init",
                                "scratch",
                                "--epochs",
                                "1",
                                "--image-size",
                                "64",
                                "--batch-size",
                                "8"})
                          .exitCode == 0;
    }
    static void TearDownTestSuite() { s_dir.reset(); }
    void SetUp() override {
        ASSERT_TRUE(s_ready) << "could not make the phantoms or train the model";
        dir = s_dir->path() / ::testing::UnitTest::GetInstance()->current_test_info()->name();
        fs::create_directories(dir);
    }
    fs::path data() const { return s_dir->path() / "data"; }
    fs::path model() const { return s_dir->path() / "run" / "best.pt"; }

    fs::path dir; // this test's own folder
    static inline std::unique_ptr<test::TempDir> s_dir;
    static inline bool s_ready = false;
};

TEST_F(ExplainFixture, OverlayHeatmapAndJson) {
    const fs::path image = data() / "test" / "BACTERIA" / "phantom_BACTERIA_0000.png";
    const test::CliResult r = test::runCli({"explain",
                                            model().string(),
                                            image.string(),
                                            "--out",
                                            (dir / "o.png").string(),
                                            "--heatmap",
                                            (dir / "h.png").string(),
                                            "--method",
                                            "gradcam++",
                                            "--class",
                                            "BACTERIA",
                                            "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto json = nlohmann::json::parse(r.out);
    EXPECT_EQ(json["explained_class"], "BACTERIA");
    EXPECT_EQ(json["method"], "gradcam++");
    EXPECT_EQ(json["probabilities"].size(), 4u);
    const cv::Mat overlay = cv::imread((dir / "o.png").string(), cv::IMREAD_UNCHANGED);
    const cv::Mat heat = cv::imread((dir / "h.png").string(), cv::IMREAD_UNCHANGED);
    EXPECT_EQ(overlay.size(), cv::Size(96, 96)); // the input image's size
    EXPECT_EQ(overlay.channels(), 3);
    EXPECT_EQ(heat.size(), cv::Size(96, 96));

    const test::CliResult text = test::runCli(
        {"explain", model().string(), image.string(), "--out", (dir / "o2.png").string()});
    EXPECT_EQ(text.exitCode, 0) << text.err;
    EXPECT_NE(text.out.find("not for clinical use"), std::string::npos) << text.out;
}

TEST_F(ExplainFixture, ClearErrors) {
    const fs::path image = data() / "test" / "VIRUS" / "phantom_VIRUS_0000.png";
    const test::CliResult badClass = test::runCli({"explain",
                                                   model().string(),
                                                   image.string(),
                                                   "--out",
                                                   (dir / "o.png").string(),
                                                   "--class",
                                                   "CATS"});
    EXPECT_EQ(badClass.exitCode, 1);
    EXPECT_NE(badClass.err.find("no class \"CATS\""), std::string::npos) << badClass.err;
    EXPECT_NE(badClass.err.find("COVID19"), std::string::npos) << badClass.err;
    test::writeFile(dir / "bad.png", "not an image");
    const test::CliResult badImage = test::runCli({"explain",
                                                   model().string(),
                                                   (dir / "bad.png").string(),
                                                   "--out",
                                                   (dir / "o.png").string()});
    EXPECT_EQ(badImage.exitCode, 1);
    EXPECT_NE(badImage.err.find("bad.png"), std::string::npos) << badImage.err;
    // An overlay path whose folder is a file: the error names the path.
    const test::CliResult badOut = test::runCli({"explain",
                                                 model().string(),
                                                 image.string(),
                                                 "--out",
                                                 (dir / "bad.png" / "o.png").string()});
    EXPECT_EQ(badOut.exitCode, 1);
    EXPECT_NE(badOut.err.find("could not write"), std::string::npos) << badOut.err;
    EXPECT_NE(badOut.err.find("o.png"), std::string::npos) << badOut.err;
    const test::CliResult badFormat = test::runCli(
        {"explain", model().string(), image.string(), "--out", (dir / "o.xyz").string()});
    EXPECT_EQ(badFormat.exitCode, 1);
    EXPECT_NE(badFormat.err.find("not an image format"), std::string::npos) << badFormat.err;
    const test::CliResult badModel = test::runCli(
        {"explain", (dir / "bad.png").string(), image.string(), "--out", (dir / "o.png").string()});
    EXPECT_EQ(badModel.exitCode, 1);
    EXPECT_NE(badModel.err.find("bad.png"), std::string::npos) << badModel.err;
}

TEST_F(ExplainFixture, PointingGameOverTheTestSplit) {
    const test::CliResult r = test::runCli({"explain",
                                            model().string(),
                                            "--dataset",
                                            data().string(),
                                            "--masks",
                                            (data() / "masks").string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    // Last line: pointing_game=<0..1> mass_in_mask=<0..1>, over the 6 lesion images.
    const std::string last = r.out.substr(r.out.rfind("pointing_game="));
    EXPECT_TRUE(std::regex_match(
        last, std::regex(R"(pointing_game=[01]\.\d{3} mass_in_mask=[01]\.\d{3}\n)")))
        << last;
    EXPECT_NE(r.out.find("on 6 test images with lesions"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("COVID19"), std::string::npos) << r.out;

    // The same score with the heatmaps averaged over the four flips, each
    // at 2 x 2 sub-cell shifts.
    const test::CliResult flips = test::runCli({"explain",
                                                model().string(),
                                                "--dataset",
                                                data().string(),
                                                "--masks",
                                                (data() / "masks").string(),
                                                "--smooth-flips",
                                                "--shifts",
                                                "2"});
    ASSERT_EQ(flips.exitCode, 0) << flips.err;
    EXPECT_NE(flips.out.find("gradcam (smoothing: flips, 2x2 shifts) on 6 test images"),
              std::string::npos)
        << flips.out;
    EXPECT_NE(flips.out.find("pointing_game="), std::string::npos) << flips.out;
    // Two smoothings at once is a usage error, not a silent choice.
    const test::CliResult both = test::runCli({"explain",
                                               model().string(),
                                               "--dataset",
                                               data().string(),
                                               "--masks",
                                               (data() / "masks").string(),
                                               "--smooth",
                                               "--smooth-flips"});
    EXPECT_NE(both.exitCode, 0);
    EXPECT_NE(both.err.find("excludes"), std::string::npos) << both.err;
    // So is a shift count outside 1..8.
    const test::CliResult noShift = test::runCli({"explain",
                                                  model().string(),
                                                  "--dataset",
                                                  data().string(),
                                                  "--masks",
                                                  (data() / "masks").string(),
                                                  "--shifts",
                                                  "0"});
    EXPECT_NE(noShift.exitCode, 0);
    EXPECT_NE(noShift.err.find("--shifts"), std::string::npos) << noShift.err;
}

TEST_F(ExplainFixture, PredictAFolderWithOverlays) {
    // A copy of the test images plus one broken file.
    fs::copy(data() / "test", dir / "images", fs::copy_options::recursive);
    test::writeFile(dir / "images" / "NORMAL" / "broken.png", "not an image");
    const test::CliResult r = test::runCli({"predict",
                                            model().string(),
                                            "--folder",
                                            (dir / "images").string(),
                                            "--out",
                                            (dir / "p.csv").string(),
                                            "--overlays",
                                            (dir / "ov").string()});
    EXPECT_EQ(r.exitCode, 3) << r.err; // one image failed, the rest were done
    EXPECT_NE(r.err.find("broken.png"), std::string::npos) << r.err;
    const std::string csv = test::readFile(dir / "p.csv");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 8);
    EXPECT_EQ(csv.rfind("image,label,p_NORMAL,p_BACTERIA,p_VIRUS,p_COVID19,in_distribution,"
                        "ood_score,warnings\n",
                        0),
              0u)
        << csv;
    std::size_t overlays = 0;
    for ([[maybe_unused]] const auto &e : fs::directory_iterator(dir / "ov"))
        ++overlays;
    EXPECT_EQ(overlays, 8u);

    // The overlays take the heatmap options of `cxr explain`.
    fs::remove(dir / "images" / "NORMAL" / "broken.png");
    const test::CliResult smoothed = test::runCli({"predict",
                                                   model().string(),
                                                   "--folder",
                                                   (dir / "images").string(),
                                                   "--out",
                                                   (dir / "p2.csv").string(),
                                                   "--overlays",
                                                   (dir / "ov2").string(),
                                                   "--method",
                                                   "gradcam++",
                                                   "--smooth-flips",
                                                   "--shifts",
                                                   "2"});
    ASSERT_EQ(smoothed.exitCode, 0) << smoothed.err;
    // Same predictions (always the image's own), other heatmaps.
    EXPECT_EQ(test::readFile(dir / "p2.csv"), csv);
    std::size_t different = 0;
    for (const auto &e : fs::directory_iterator(dir / "ov"))
        different += test::readFile(e.path()) != test::readFile(dir / "ov2" / e.path().filename());
    EXPECT_GT(different, 0u);
    const test::CliResult tooMany = test::runCli({"predict",
                                                  model().string(),
                                                  "--folder",
                                                  (dir / "images").string(),
                                                  "--out",
                                                  (dir / "p3.csv").string(),
                                                  "--shifts",
                                                  "9"});
    EXPECT_NE(tooMany.exitCode, 0);
    EXPECT_NE(tooMany.err.find("--shifts"), std::string::npos) << tooMany.err;
    EXPECT_FALSE(fs::exists(dir / "p3.csv"));
}

} // namespace
} // namespace cxr
