// SPDX-License-Identifier: MIT
// `cxr train`, `cxr eval` and `cxr reproduce` end to end on small data.
#include <algorithm>
#include <cstdlib>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "e2e/cli_runner.h"
#include "support/test_support.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;

TEST(CliTrain, TrainsAndEvaluatesOnTheRealSample) {
    CXR_REQUIRE_SHARED_DATA("cxr-sample");
    test::TempDir dir;
    const std::string data = (test::sharedData() / "cxr-sample").string();
    const fs::path run = dir / "run";
    const test::CliResult trained = test::runCli({"train",
                                                  data,
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
    ASSERT_EQ(trained.exitCode, 0) << trained.err << trained.out;
    EXPECT_NE(trained.out.find("epoch 1/1"), std::string::npos) << trained.out;
    EXPECT_NE(trained.out.find("test: accuracy"), std::string::npos) << trained.out;
    for (const char *file : {"best.pt", "last.pt", "metrics.csv", "summary.json", "config.json"})
        EXPECT_TRUE(fs::exists(run / file)) << file;
    const auto config = nlohmann::json::parse(test::readFile(run / "config.json"));
    EXPECT_EQ(config["image_size"], 64);
    EXPECT_EQ(config["lr"], 1e-3);

    const test::CliResult evaluated =
        test::runCli({"eval", (run / "best.pt").string(), data, "--json"});
    ASSERT_EQ(evaluated.exitCode, 0) << evaluated.err;
    const auto json = nlohmann::json::parse(evaluated.out);
    EXPECT_EQ(json["images"], 40);
    EXPECT_EQ(json["confusion"].size(), 4u);
    EXPECT_EQ(json["per_class"]["COVID19"]["support"], 10);
    const double accuracy = json["accuracy"].get<double>();
    EXPECT_GE(accuracy, json["accuracy_ci95"][0].get<double>());
    EXPECT_LE(accuracy, json["accuracy_ci95"][1].get<double>());

    // The run calibrated best.pt on its validation split; eval reports the
    // calibration error of the model's outputs and of its uncalibrated softmax.
    EXPECT_GT(json["temperature"].get<double>(), 0.05);
    EXPECT_NE(json["temperature"].get<double>(), 1.0);
    EXPECT_GE(json["ece"].get<double>(), 0.0);
    EXPECT_GE(json["ece_uncalibrated"].get<double>(), 0.0);
    const auto summary = nlohmann::json::parse(test::readFile(run / "summary.json"));
    EXPECT_EQ(summary["calibration"]["temperature"], json["temperature"]);

    // Per class: the AUC with its interval, both curves, sensitivity,
    // specificity, PPV and NPV with intervals.
    for (const char *name : {"NORMAL", "BACTERIA", "VIRUS", "COVID19"}) {
        SCOPED_TRACE(name);
        const auto &auc = json["roc_auc"][name];
        ASSERT_TRUE(auc.is_number());
        EXPECT_EQ(auc, json["per_class"][name]["auc"]);
        EXPECT_LE(json["roc_auc_ci95"][name][0].get<double>(), auc.get<double>() + 1e-12);
        const auto &roc = json["roc_curves"][name];
        EXPECT_EQ(roc["fpr"].size(), roc["tpr"].size());
        EXPECT_EQ(roc["fpr"].front(), 0.0);
        EXPECT_EQ(roc["tpr"].back(), 1.0);
        EXPECT_TRUE(json["pr_curves"][name]["average_precision"].is_number());
        for (const char *key : {"sensitivity", "specificity", "ppv", "npv", "f1"})
            EXPECT_EQ(json["per_class"][name][std::string(key) + "_ci95"].size(), 2u) << key;
    }
    // The run chose a Youden operating point per class on its validation
    // split; eval measures each on the images evaluated, as does summary.json.
    ASSERT_EQ(json["operating_points"].size(), 4u) << json["operating_points"].dump();
    for (const auto &point : json["operating_points"]) {
        EXPECT_EQ(point["goal"], "youden");
        EXPECT_EQ(point["fitted_on"], "val");
        EXPECT_EQ(point["here"]["true_positives"].get<int>() +
                      point["here"]["false_negatives"].get<int>(),
                  10);
    }
    EXPECT_EQ(summary["operating_points"].size(), 4u);
    EXPECT_EQ(summary["test_curves"]["roc_curves"].size(), 4u);

    // The sample has no val folder: --split val measures the validation
    // images the run carved out of its train split (12), not an error.
    const test::CliResult val =
        test::runCli({"eval", (run / "best.pt").string(), data, "--split", "val", "--json"});
    ASSERT_EQ(val.exitCode, 0) << val.err;
    const auto valJson = nlohmann::json::parse(val.out);
    EXPECT_EQ(valJson["images"], 12);
    EXPECT_NE(valJson["evaluated_on"].get<std::string>().find("carved"), std::string::npos);

    const test::CliResult text = test::runCli({"eval", (run / "best.pt").string(), data});
    EXPECT_EQ(text.exitCode, 0);
    EXPECT_NE(text.out.find("balanced accuracy"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("calibration error"), std::string::npos) << text.out;

    // cxr calibrate fits a temperature on a split and writes a copy; the
    // original stays as it was unless --in-place is asked for.
    const std::string before = test::readFile(run / "best.pt");
    const test::CliResult neither =
        test::runCli({"calibrate", (run / "best.pt").string(), data, "--split", "test"});
    EXPECT_EQ(neither.exitCode, 2);
    EXPECT_NE(neither.err.find("--in-place"), std::string::npos) << neither.err;
    const test::CliResult calibrated = test::runCli({"calibrate",
                                                     (run / "best.pt").string(),
                                                     data,
                                                     "--split",
                                                     "test",
                                                     "--out",
                                                     (dir / "calibrated.pt").string(),
                                                     "--goal",
                                                     "COVID19:sensitivity>=0.9",
                                                     "--json"});
    ASSERT_EQ(calibrated.exitCode, 0) << calibrated.err;
    const auto fit = nlohmann::json::parse(calibrated.out);
    EXPECT_EQ(fit["images"], 40);
    ASSERT_EQ(fit["operating_points"].size(), 1u);
    EXPECT_EQ(fit["operating_points"][0]["goal"], "sensitivity>=0.9");
    const auto &fitted = fit["operating_points"][0]["fitted"];
    EXPECT_TRUE(fitted["sensitivity"].get<double>() >= 0.9 ||
                !fit["operating_points"][0]["goal_met"].get<bool>());
    const test::CliResult badGoal = test::runCli({"calibrate",
                                                  (run / "best.pt").string(),
                                                  data,
                                                  "--split",
                                                  "test",
                                                  "--out",
                                                  (dir / "unused.pt").string(),
                                                  "--goal",
                                                  "COVID19:accuracy>=0.9"});
    EXPECT_EQ(badGoal.exitCode, 1);
    EXPECT_NE(badGoal.err.find("accuracy>=0.9"), std::string::npos) << badGoal.err;
    EXPECT_FALSE(fs::exists(dir / "unused.pt"));
    EXPECT_LE(fit["ece_calibrated"].get<double>(), fit["ece"].get<double>() + 0.05);
    EXPECT_EQ(test::readFile(run / "best.pt"), before);
    const test::CliResult recheck =
        test::runCli({"eval", (dir / "calibrated.pt").string(), data, "--json"});
    ASSERT_EQ(recheck.exitCode, 0) << recheck.err;
    EXPECT_DOUBLE_EQ(nlohmann::json::parse(recheck.out)["temperature"].get<double>(),
                     fit["temperature"].get<double>());

    // The run fitted the out-of-distribution gate: predict scores every image.
    // Phantoms (synthetic, not X-rays) score above the real test X-rays; an
    // icon and a colour picture are named for what they are.
    ASSERT_TRUE(summary.contains("ood_gate")) << summary.dump();
    // A dozen validation images set no percentile worth the name.
    EXPECT_EQ(summary["ood_gate"]["threshold_from"], "cross-fitted") << summary.dump();
    const fs::path phantoms = dir / "phantoms";
    ASSERT_EQ(test::runCli({"phantoms",
                            "--out",
                            phantoms.string(),
                            "--per-class",
                            "2",
                            "--test-per-class",
                            "0",
                            "--size",
                            "256"})
                  .exitCode,
              0);
    std::vector<std::string> real, foreign, turned;
    for (const auto &entry :
         fs::recursive_directory_iterator(test::sharedData() / "cxr-sample/test"))
        if (entry.is_regular_file()) {
            real.push_back(entry.path().string());
            // The same film turned on its side: still an X-ray's texture,
            // not its layout.
            cv::Mat film = cv::imread(entry.path().string(), cv::IMREAD_GRAYSCALE), side;
            cv::rotate(film, side, cv::ROTATE_90_COUNTERCLOCKWISE);
            turned.push_back((dir / ("turned-" + entry.path().filename().string())).string());
            test::writeImage(turned.back(), side);
        }
    for (const auto &entry : fs::recursive_directory_iterator(phantoms / "train"))
        if (entry.is_regular_file() && entry.path().string().find("mask") == std::string::npos)
            foreign.push_back(entry.path().string());
    const auto scores = [&run](const std::vector<std::string> &images) {
        std::vector<std::string> command = {"predict", (run / "best.pt").string(), "--json"};
        command.insert(command.end(), images.begin(), images.end());
        const test::CliResult r = test::runCli(command);
        EXPECT_EQ(r.exitCode, 0) << r.err;
        std::vector<double> out;
        for (const auto &entry : nlohmann::json::parse(r.out)) {
            EXPECT_TRUE(entry["ood"]["threshold"].is_number()) << entry.dump();
            out.push_back(entry["ood"]["score"].get<double>());
        }
        return out;
    };
    const auto auroc = [](const std::vector<double> &foreignScores,
                          const std::vector<double> &realScores) {
        double wins = 0;
        for (double f : foreignScores)
            for (double r : realScores)
                wins += f > r ? 1.0 : f == r ? 0.5 : 0.0;
        return wins / static_cast<double>(foreignScores.size() * realScores.size());
    };
    const std::vector<double> realScores = scores(real), foreignScores = scores(foreign);
    ASSERT_EQ(foreignScores.size(), 8u);
    EXPECT_GE(auroc(foreignScores, realScores), 0.9);
    EXPECT_GE(auroc(scores(turned), realScores), 0.95);

    test::writeImage(dir / "icon.png", test::gradientImage(16, 16));
    cv::Mat colour(128, 128, CV_8UC3, cv::Scalar(40, 160, 220));
    colour.col(5) = cv::Scalar(0, 0, 0);
    test::writeImage(dir / "colour.png", colour);
    const test::CliResult odd = test::runCli({"predict",
                                              (run / "best.pt").string(),
                                              (dir / "icon.png").string(),
                                              (dir / "colour.png").string(),
                                              "--json"});
    ASSERT_EQ(odd.exitCode, 0) << odd.err;
    const auto oddJson = nlohmann::json::parse(odd.out);
    EXPECT_FALSE(oddJson[0]["in_distribution"].get<bool>());
    EXPECT_EQ(oddJson[0]["concerns"][0], "too_small") << oddJson[0].dump();
    EXPECT_NE(oddJson[0]["warnings"][0].get<std::string>().find("16 x 16"), std::string::npos);
    EXPECT_EQ(oddJson[1]["concerns"][0], "colour") << oddJson[1].dump();
    const test::CliResult oddText =
        test::runCli({"predict", (run / "best.pt").string(), (dir / "icon.png").string()});
    EXPECT_NE(oddText.out.find("warning: the image is 16 x 16"), std::string::npos) << oddText.out;

    // The folder now holds a run: a second train without --resume refuses.
    const test::CliResult again =
        test::runCli({"train", data, "--out", run.string(), "--init", "scratch", "--epochs", "1"});
    EXPECT_EQ(again.exitCode, 1);
    EXPECT_NE(again.err.find("--resume"), std::string::npos) << again.err;
}

TEST(CliTrain, BadArgumentsFailClearly) {
    test::TempDir dir;
    test::writeImage(dir / "data/train/NORMAL/a.png", test::gradientImage(16, 16));
    test::writeImage(dir / "data/test/NORMAL/b.png", test::gradientImage(16, 16));
    const std::string data = (dir / "data").string();
    const test::CliResult missingClass = test::runCli(
        {"train", data, "--out", (dir / "r1").string(), "--init", "scratch", "--epochs", "1"});
    EXPECT_EQ(missingClass.exitCode, 1);
    EXPECT_NE(missingClass.err.find("needs images of class"), std::string::npos)
        << missingClass.err;
    const test::CliResult preset =
        test::runCli({"train", data, "--out", (dir / "r2").string(), "--preset", "PRXX"});
    EXPECT_EQ(preset.exitCode, 1);
    EXPECT_NE(preset.err.find("PRXX"), std::string::npos) << preset.err;
    const test::CliResult chexnet = test::runCli({"train",
                                                  data,
                                                  "--out",
                                                  (dir / "r3").string(),
                                                  "--preset",
                                                  "PDCXCE",
                                                  "--task",
                                                  "normal-vs-pneumonia"});
    EXPECT_EQ(chexnet.exitCode, 1);
}

// Three gradient images per class and split, of slightly different sizes:
// a dataset a 32 px run trains on in seconds.
void writeTinyDataset(const fs::path &root) {
    for (const char *c : {"NORMAL", "BACTERIA", "VIRUS", "COVID19"})
        for (int i = 0; i < 3; ++i) {
            const std::string name = std::string(c) + std::to_string(i) + ".png";
            test::writeImage(root / "train" / c / name, test::gradientImage(40, 40 + i));
            test::writeImage(root / "test" / c / name, test::gradientImage(40 + i, 40));
        }
}

// --resume continues a run with its own settings: an option that would
// change them is refused with exit code 2 and named; execution options
// (threads) may differ.
TEST(CliTrain, ResumeRefusesOptionsThatChangeTheRun) {
    test::TempDir dir;
    writeTinyDataset(dir / "data");
    const std::string data = (dir / "data").string(), run = (dir / "run").string();
    const test::CliResult first = test::runCli({"train",
                                                data,
                                                "--out",
                                                run,
                                                "--init",
                                                "scratch",
                                                "--epochs",
                                                "1",
                                                "--image-size",
                                                "32",
                                                "--val-fraction",
                                                "0"});
    ASSERT_EQ(first.exitCode, 0) << first.err;
    const std::string config = test::readFile(dir / "run" / "config.json");

    const test::CliResult changed =
        test::runCli({"train", data, "--out", run, "--resume", "--seed", "9", "--epochs", "4"});
    EXPECT_EQ(changed.exitCode, 2) << changed.err;
    EXPECT_NE(changed.err.find("epochs, seed"), std::string::npos) << changed.err;
    EXPECT_EQ(test::readFile(dir / "run" / "config.json"), config);

    const test::CliResult same =
        test::runCli({"train", data, "--out", run, "--resume", "--epochs", "1", "--threads", "1"});
    EXPECT_EQ(same.exitCode, 0) << same.err;
    EXPECT_EQ(test::readFile(dir / "run" / "config.json"), config);
}

// Sets an environment variable for the processes this test starts.
class ScopedEnv {
  public:
    ScopedEnv(const char *name, const char *value) : m_name(name) { setenv(name, value, 1); }
    ~ScopedEnv() { unsetenv(m_name); }

  private:
    const char *m_name;
};

// --precision auto is decided once, when a run starts, by this CPU (here made
// to look like one without bfloat16 by oneDNN's ISA switch), and recorded:
// a resumed run keeps the arithmetic it started with on any CPU.
TEST(CliTrain, ArithmeticIsChosenAtTheStartAndRecorded) {
    test::TempDir dir;
    writeTinyDataset(dir / "data");
    const std::string data = (dir / "data").string();
    auto train = [&](const std::string &run, std::vector<std::string> extra) {
        std::vector<std::string> args = {"train", data, "--out", (dir / run).string()};
        if (std::find(extra.begin(), extra.end(), "--resume") == extra.end())
            args.insert(args.end(),
                        {"--init",
                         "scratch",
                         "--epochs",
                         "1",
                         "--image-size",
                         "32",
                         "--val-fraction",
                         "0"});
        args.insert(args.end(), extra.begin(), extra.end());
        return test::runCli(args);
    };
    auto recorded = [&](const std::string &run) {
        return nlohmann::json::parse(test::readFile(dir / run / "config.json"))["precision"]
            .get<std::string>();
    };
    {
        const ScopedEnv noBf16("ONEDNN_MAX_CPU_ISA", "AVX512_CORE_VNNI");
        const test::CliResult automatic = train("auto", {});
        ASSERT_EQ(automatic.exitCode, 0) << automatic.err;
        EXPECT_EQ(recorded("auto"), "fp32");
        EXPECT_NE(automatic.out.find("arithmetic: fp32 (this CPU has no native bfloat16)"),
                  std::string::npos)
            << automatic.out;
    }
    const test::CliResult bf16 = train("bf16", {"--precision", "bf16"});
    ASSERT_EQ(bf16.exitCode, 0) << bf16.err;
    EXPECT_EQ(recorded("bf16"), "bf16");
    EXPECT_NE(test::readFile(dir / "bf16" / "log.txt").find("arithmetic: bf16 forward pass"),
              std::string::npos);
    {
        const ScopedEnv noBf16("ONEDNN_MAX_CPU_ISA", "AVX512_CORE_VNNI");
        const test::CliResult resumed = train("bf16", {"--resume"});
        ASSERT_EQ(resumed.exitCode, 0) << resumed.err;
        EXPECT_EQ(recorded("bf16"), "bf16");
        EXPECT_NE(resumed.out.find("oneDNN emulates it"), std::string::npos) << resumed.out;
    }
    const test::CliResult fp32 = train("fp32", {"--precision", "fp32"});
    ASSERT_EQ(fp32.exitCode, 0) << fp32.err;
    EXPECT_EQ(recorded("fp32"), "fp32");

    const test::CliResult bad = train("bad", {"--precision", "fp16"});
    EXPECT_EQ(bad.exitCode, 1);
    EXPECT_NE(bad.err.find("precision"), std::string::npos) << bad.err;
}

TEST(CliReproduce, SkipsUnavailableWeightsAndWritesTable1) {
    CXR_REQUIRE_SHARED_DATA("cxr-sample");
    test::TempDir dir;
    const test::CliResult r = test::runCli({"reproduce",
                                            (test::sharedData() / "cxr-sample").string(),
                                            "--out",
                                            (dir / "t").string(),
                                            "--epochs",
                                            "1",
                                            "--image-size",
                                            "32",
                                            "--batch-size",
                                            "32",
                                            "--offline"});
    ASSERT_EQ(r.exitCode, 0) << r.err << r.out;
    const std::string table = test::readFile(dir / "t" / "table1.md");
    for (const char *preset : {"PRCE", "PRCW", "PRFL", "PDCXCE", "PDCXFL", "RCE"})
        EXPECT_NE(table.find(std::string("| ") + preset + " |"), std::string::npos) << preset;
    // No weights were given and downloads are off: the pretrained
    // configurations are skipped with the reason, RCE (from scratch) runs.
    EXPECT_NE(table.find("skipped: no CheXNet weights given"), std::string::npos) << table;
    EXPECT_NE(table.find("skipped: no ImageNet weights given"), std::string::npos) << table;
    EXPECT_TRUE(fs::exists(dir / "t" / "RCE" / "summary.json"));
    const std::string csv = test::readFile(dir / "t" / "table1.csv");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 7);
}

} // namespace
} // namespace cxr
