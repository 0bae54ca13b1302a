// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>
#include <torch/nn/functional/pooling.h>

#include "errors.h"
#include "support/model_fixture.h"
#include "weights/state_dict.h"
#include "weights/torch_file.h"

namespace cxr {
namespace {
namespace F = torch::nn::functional;
namespace fs = std::filesystem;

// The same DenseNet121 weights in every format torch.save has used must
// import to the same network.
TEST(TorchFile, EveryFormatLoadsTheSameWeights) {
    CXR_REQUIRE_TORCH_REFERENCE();
    const std::vector<std::pair<std::string, TorchFileFormat>> formats = {
        {"zip", TorchFileFormat::Zip},
        {"legacy", TorchFileFormat::Legacy},
        {"tar", TorchFileFormat::Tar},
        {"nested", TorchFileFormat::Zip}};
    for (const auto &[name, expected] : formats) {
        SCOPED_TRACE(name);
        test::TempDir dir;
        test::TorchReference ref;
        std::string error;
        ASSERT_TRUE(test::makeTorchReference(dir, "densenet121", 4, name, ref, error)) << error;
        const TorchFile file = readTorchFile(ref.weights);
        EXPECT_EQ(file.format, expected);
        Network network = makeNetwork(Architecture::DenseNet121, 4);
        const LoadReport report = loadStateDict(
            *network, normaliseKeys(findStateDict(file.root, ref.weights.string())), "w");
        EXPECT_TRUE(report.missing.empty()) << report.summary();
        EXPECT_TRUE(report.unexpected.empty()) << report.summary();
        network->eval();
        torch::NoGradGuard noGrad;
        EXPECT_LT(test::maxAbsDiff(network->forward(ref.input), ref.logitsEval), 1e-4);
    }
}

// arnoweng/CheXNet's model.pth.tar: legacy pickle from PyTorch 0.3 with
// _rebuild_tensor v1, torch.cuda.FloatStorage, "module.densenet121." keys,
// old "norm.1" names, a 14-output classifier.0 and no num_batches_tracked.
TEST(TorchFile, ChexnetStyleCheckpointImportsIntoAFourClassDenseNet) {
    CXR_REQUIRE_TORCH_REFERENCE();
    test::TempDir dir;
    test::TorchReference ref;
    std::string error;
    ASSERT_TRUE(test::makeTorchReference(dir, "densenet121", 14, "chexnet", ref, error)) << error;
    const TorchFile file = readTorchFile(ref.weights);
    EXPECT_EQ(file.format, TorchFileFormat::Legacy);
    ASSERT_NE(file.root.find("epoch"), nullptr);
    Network network = makeNetwork(Architecture::DenseNet121, 4);
    const LoadReport report =
        loadStateDict(*network, normaliseKeys(findStateDict(file.root, "chexnet")), "chexnet");
    EXPECT_TRUE(report.headReinitialised);
    EXPECT_EQ(report.sourceHeadOutputs, 14);
    EXPECT_TRUE(report.missing.empty()) << report.summary();
    EXPECT_TRUE(report.unexpected.empty()) << report.summary();
    network->eval();
    torch::NoGradGuard noGrad;
    const auto pooled =
        F::adaptive_avg_pool2d(network->features(ref.input), F::AdaptiveAvgPool2dFuncOptions(1))
            .flatten(1);
    EXPECT_LT(test::maxAbsDiff(pooled, ref.pooled), 1e-4);
}

TEST(TorchFile, WeightsOfAnotherArchitectureAreRefused) {
    CXR_REQUIRE_TORCH_REFERENCE();
    test::TempDir dir;
    test::TorchReference ref;
    std::string error;
    ASSERT_TRUE(test::makeTorchReference(dir, "densenet121", 4, "zip", ref, error)) << error;
    Network resnet = makeNetwork(Architecture::ResNet50, 4);
    try {
        loadStateDict(*resnet, findStateDict(readTorchFile(ref.weights).root, "w"), "w");
        FAIL() << "expected ModelError";
    } catch (const ModelError &e) {
        EXPECT_NE(std::string(e.what()).find("another architecture"), std::string::npos)
            << e.what();
    }

    // Truncated copies of a real file: a clear error, never a crash.
    const std::string bytes = test::readFile(ref.weights);
    for (std::size_t cut : {std::size_t{10}, bytes.size() / 3, bytes.size() - 100}) {
        test::writeFile(dir / "cut.pt", bytes.substr(0, cut));
        EXPECT_THROW(readTorchFile(dir / "cut.pt"), ModelError) << "cut at " << cut;
    }
}

// Half and double weights convert to the network's float; integer values
// under a convolution's name are refused with the tensor named.
TEST(TorchFile, OtherDtypesConvertOrAreRefused) {
    CXR_REQUIRE_TORCH_REFERENCE();
    for (const char *format : {"double", "half"}) {
        SCOPED_TRACE(format);
        test::TempDir dir;
        test::TorchReference ref;
        std::string error;
        ASSERT_TRUE(test::makeTorchReference(dir, "densenet121", 4, format, ref, error)) << error;
        Network network = makeNetwork(Architecture::DenseNet121, 4);
        const LoadReport report =
            loadStateDict(*network, findStateDict(readTorchFile(ref.weights).root, "w"), "w");
        EXPECT_TRUE(report.missing.empty()) << report.summary();
        network->eval();
        torch::NoGradGuard noGrad;
        // Half keeps about three significant digits, through 121 layers.
        const double tolerance = std::string(format) == "half" ? 0.05 : 1e-4;
        EXPECT_LT(test::maxAbsDiff(network->forward(ref.input), ref.logitsEval), tolerance);
    }
    test::TempDir dir;
    test::TorchReference ref;
    std::string error;
    ASSERT_TRUE(test::makeTorchReference(dir, "densenet121", 4, "int", ref, error)) << error;
    Network network = makeNetwork(Architecture::DenseNet121, 4);
    try {
        loadStateDict(*network, findStateDict(readTorchFile(ref.weights).root, "w"), "int.pt");
        FAIL() << "expected ModelError";
    } catch (const ModelError &e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("int.pt"), std::string::npos) << message;
        EXPECT_NE(message.find("features.conv0.weight"), std::string::npos) << message;
        EXPECT_NE(message.find("Long"), std::string::npos) << message;
    }
}

std::size_t entriesUnder(const fs::path &folder) {
    std::size_t count = 0;
    for (auto it = fs::recursive_directory_iterator(folder);
         it != fs::recursive_directory_iterator();
         ++it)
        ++count;
    return count;
}

// Zip entries named "archive/../../escape.txt" or "../escape/data.pkl": the
// file is refused, and nothing appears outside (or inside) its folder.
TEST(TorchFile, ZipEntriesThatLeaveTheArchiveAreRefused) {
    CXR_REQUIRE_TORCH_REFERENCE();
    for (const char *format : {"traversal", "outside"}) {
        SCOPED_TRACE(format);
        test::TempDir dir;
        const fs::path nested = dir / "a" / "b";
        fs::create_directories(nested);
        test::TorchReference ref;
        std::string error;
        ASSERT_TRUE(test::makeTorchReference(dir, "densenet121", 4, format, ref, error)) << error;
        const fs::path weights = nested / "weights.pt";
        fs::rename(ref.weights, weights);
        const std::size_t before = entriesUnder(dir.path());
        try {
            readTorchFile(weights);
            ADD_FAILURE() << "expected ModelError";
        } catch (const ModelError &e) {
            const std::string message = e.what();
            EXPECT_NE(message.find("weights.pt"), std::string::npos) << message;
            EXPECT_NE(message.find("escape"), std::string::npos) << message;
        }
        EXPECT_EQ(entriesUnder(dir.path()), before);
        EXPECT_FALSE(fs::exists(dir / "escape.txt"));
        EXPECT_FALSE(fs::exists(dir / "escape"));
    }
}

// Found by fuzz_torch_file: a zip whose central directory lies past the end
// of the file made LibTorch's in-memory reader copy from freed memory.
TEST(TorchFile, ZipWithCentralDirectoryPastTheEndIsRefused) {
    const fs::path crash = fs::path(CXR_SOURCE_DIR) / "tests" / "fuzz" / "regressions" /
                           "torch_file-central-directory-past-end.bin";
    ASSERT_TRUE(fs::exists(crash)) << crash;
    EXPECT_THROW(readTorchFile(crash), ModelError);
}

TEST(TorchFile, NotAWeightsFile) {
    test::TempDir dir;
    test::writeFile(dir / "empty.pt", "");
    test::writeFile(dir / "text.pt", "just some text that is not a pickle");
    test::writeImage(dir / "image.png", test::gradientImage(8, 8));
    for (const char *name : {"empty.pt", "text.pt", "image.png", "absent.pt"}) {
        try {
            readTorchFile(dir / name);
            ADD_FAILURE() << "expected ModelError for " << name;
        } catch (const ModelError &e) {
            EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
        }
    }
}

} // namespace
} // namespace cxr
