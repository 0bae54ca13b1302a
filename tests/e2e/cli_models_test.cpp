// SPDX-License-Identifier: MIT
// `cxr import-weights` and `cxr predict` as a user runs them.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "e2e/cli_runner.h"
#include "support/model_fixture.h"

namespace cxr {
namespace {

TEST(CliImportWeights, ImportsATorchvisionFileAndPredicts) {
    CXR_REQUIRE_TORCH_REFERENCE();
    CXR_REQUIRE_SHARED_DATA("cxr-sample");
    test::TempDir dir;
    test::TorchReference ref;
    std::string error;
    // CheXNet-style: 14-output head in a legacy file, imported for 4 classes.
    ASSERT_TRUE(test::makeTorchReference(dir, "densenet121", 14, "chexnet", ref, error)) << error;
    const auto model = dir / "model.pt";
    const test::CliResult imported = test::runCli({"import-weights",
                                                   "--arch",
                                                   "densenet121",
                                                   "--from",
                                                   ref.weights.string(),
                                                   "--out",
                                                   model.string(),
                                                   "--image-size",
                                                   "96"});
    ASSERT_EQ(imported.exitCode, 0) << imported.err;
    EXPECT_NE(imported.out.find("legacy format"), std::string::npos) << imported.out;
    EXPECT_NE(imported.out.find("head re-initialised: the file's head has 14 outputs"),
              std::string::npos)
        << imported.out;

    const auto sample = test::sharedData() / "cxr-sample" / "test";
    const std::string good = (sample / "NORMAL" / "kermany_IM-0178-0001.png").string();
    const std::string dicom =
        (test::sharedData() / "dicom-sample" / "cr_chest_mono1_10bit_gdcm.dcm").string();
    test::writeFile(dir / "broken.png", "not an image");
    const test::CliResult predicted = test::runCli(
        {"predict", model.string(), good, dicom, (dir / "broken.png").string(), "--json"});
    EXPECT_EQ(predicted.exitCode, 3) << predicted.err; // some images failed
    EXPECT_NE(predicted.err.find("broken.png"), std::string::npos) << predicted.err;
    EXPECT_NE(predicted.err.find("not for clinical use"), std::string::npos) << predicted.err;
    const auto results = nlohmann::json::parse(predicted.out);
    ASSERT_EQ(results.size(), 3u);
    for (int i = 0; i < 2; ++i) {
        double sum = 0;
        for (const auto &[name, p] : results[i]["probabilities"].items())
            sum += p.get<double>();
        EXPECT_NEAR(sum, 1.0, 1e-4);
        EXPECT_TRUE(results[i]["probabilities"].contains(results[i]["label"].get<std::string>()));
    }
    EXPECT_TRUE(results[2].contains("error"));

    const test::CliResult text = test::runCli({"predict", model.string(), good});
    EXPECT_EQ(text.exitCode, 0) << text.err;
    EXPECT_NE(text.out.find("COVID19="), std::string::npos) << text.out;
}

TEST(CliImportWeights, ClearFailures) {
    test::TempDir dir;
    test::writeFile(dir / "junk.pth", "junk");
    const test::CliResult junk = test::runCli({"import-weights",
                                               "--arch",
                                               "resnet50",
                                               "--from",
                                               (dir / "junk.pth").string(),
                                               "--out",
                                               (dir / "m.pt").string()});
    EXPECT_EQ(junk.exitCode, 1);
    EXPECT_NE(junk.err.find("junk.pth"), std::string::npos) << junk.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "m.pt"));

    const test::CliResult chexnet = test::runCli(
        {"import-weights", "--arch", "densenet121", "--from", "chexnet", "--out", "m.pt"});
    EXPECT_EQ(chexnet.exitCode, 1);
    EXPECT_NE(chexnet.err.find("model.pth.tar"), std::string::npos) << chexnet.err;

    const test::CliResult arch =
        test::runCli({"import-weights", "--arch", "vgg16", "--from", "x", "--out", "m.pt"});
    EXPECT_EQ(arch.exitCode, 1);
    EXPECT_NE(arch.err.find("vgg16"), std::string::npos) << arch.err;

    const test::CliResult model = test::runCli({"predict", (dir / "junk.pth").string(), "x.png"});
    EXPECT_EQ(model.exitCode, 1);
    EXPECT_NE(model.err.find("junk.pth"), std::string::npos) << model.err;
}

} // namespace
} // namespace cxr
