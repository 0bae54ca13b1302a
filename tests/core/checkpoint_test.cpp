// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/serialize.h>
#include <torch/types.h>

#include "errors.h"
#include "support/model_fixture.h"
#include "weights/checkpoint.h"

namespace cxr {
namespace {

const std::vector<std::string> kClasses = {"NORMAL", "BACTERIA", "VIRUS", "COVID19"};

Checkpoint smallCheckpoint(Architecture arch, Network &network) {
    torch::manual_seed(5);
    network = makeNetwork(arch, 4);
    Preprocessing p;
    p.imageSize = 64;
    return makeCheckpoint(*network, kClasses, p, R"({"note": "unit test"})");
}

TEST(Checkpoint, RoundTripKeepsEverything) {
    test::TempDir dir;
    Network original;
    const Checkpoint saved = smallCheckpoint(Architecture::DenseNet121, original);
    saveCheckpoint(dir / "model.pt", saved);
    const Checkpoint loaded = loadCheckpoint(dir / "model.pt");
    EXPECT_EQ(loaded.arch, Architecture::DenseNet121);
    EXPECT_EQ(loaded.classes, kClasses);
    EXPECT_EQ(loaded.preprocessing.imageSize, 64);
    EXPECT_FLOAT_EQ(loaded.preprocessing.mean[2], 0.406f);
    EXPECT_FLOAT_EQ(loaded.preprocessing.std[0], 0.229f);
    EXPECT_EQ(nlohmann::json::parse(loaded.metadataJson)["note"], "unit test");

    Network restored = networkFromCheckpoint(loaded, "model.pt");
    original->eval();
    torch::NoGradGuard noGrad;
    const auto x = torch::randn({2, 3, 64, 64});
    EXPECT_EQ(test::maxAbsDiff(original->forward(x), restored->forward(x)), 0.0);
}

// The checkpoint opens in PyTorch: torch.load, strict load into torchvision,
// same outputs as CXR Studio.
TEST(Checkpoint, OpensInPyTorchAndGivesTheSameOutputs) {
    CXR_REQUIRE_TORCH_REFERENCE();
    for (Architecture arch : {Architecture::ResNet50, Architecture::DenseNet121}) {
        SCOPED_TRACE(architectureName(arch));
        test::TempDir dir;
        Network network;
        saveCheckpoint(dir / "model.pt", smallCheckpoint(arch, network));
        network->eval();
        const auto x = torch::randn({2, 3, 64, 64});
        test::writeFile(dir / "input.bin",
                        std::string(static_cast<const char *>(x.data_ptr()), x.nbytes()));
        std::string output;
        ASSERT_EQ(test::runTorchReference({"check-checkpoint",
                                           "--checkpoint",
                                           (dir / "model.pt").string(),
                                           "--input",
                                           (dir / "input.bin").string(),
                                           "--out",
                                           (dir / "logits.bin").string()},
                                          &output),
                  0)
            << output;
        const auto info = nlohmann::json::parse(output);
        EXPECT_EQ(info["arch"], architectureName(arch));
        EXPECT_EQ(info["classes"].size(), 4u);
        std::vector<float> theirs = test::readFloats(dir / "logits.bin");
        torch::NoGradGuard noGrad;
        const auto ours = network->forward(x);
        EXPECT_LT(test::maxAbsDiff(ours, torch::from_blob(theirs.data(), {2, 4})), 1e-4);
    }
}

TEST(Checkpoint, BadFilesGiveClearErrors) {
    test::TempDir dir;
    Network network;
    saveCheckpoint(dir / "model.pt", smallCheckpoint(Architecture::DenseNet121, network));
    const std::string bytes = test::readFile(dir / "model.pt");
    test::writeFile(dir / "truncated.pt", bytes.substr(0, bytes.size() / 2));
    EXPECT_THROW(loadCheckpoint(dir / "truncated.pt"), ModelError);
    test::writeFile(dir / "text.pt", "hello");
    EXPECT_THROW(loadCheckpoint(dir / "text.pt"), ModelError);
    EXPECT_THROW(loadCheckpoint(dir / "absent.pt"), ModelError);

    // Plain weights (a state dict) are not a checkpoint.
    Checkpoint plain = makeCheckpoint(*network, kClasses, Preprocessing{});
    c10::Dict<std::string, at::Tensor> state;
    for (const auto &[name, t] : plain.stateDict)
        state.insert(name, t);
    const auto raw = torch::pickle_save(state);
    test::writeFile(dir / "weights.pt", std::string(raw.begin(), raw.end()));
    try {
        loadCheckpoint(dir / "weights.pt");
        FAIL() << "expected ModelError";
    } catch (const ModelError &e) {
        EXPECT_NE(std::string(e.what()).find("import-weights"), std::string::npos) << e.what();
    }

    // A checkpoint whose class list does not fit its weights.
    Checkpoint wrong = plain;
    wrong.classes.pop_back();
    saveCheckpoint(dir / "wrong.pt", wrong);
    const Checkpoint loaded = loadCheckpoint(dir / "wrong.pt");
    EXPECT_THROW(networkFromCheckpoint(loaded, "wrong.pt"), ModelError);
}

TEST(Checkpoint, SavingNeverLeavesAPartialFile) {
    test::TempDir dir;
    Network network;
    const Checkpoint checkpoint = smallCheckpoint(Architecture::DenseNet121, network);
    saveCheckpoint(dir / "model.pt", checkpoint);
    const std::string before = test::readFile(dir / "model.pt");
    // Into a folder that does not exist: an error naming the file, no debris.
    EXPECT_THROW(saveCheckpoint(dir / "missing" / "model.pt", checkpoint), Error);
    // The earlier file is intact and nothing else was left beside it.
    EXPECT_EQ(test::readFile(dir / "model.pt"), before);
    std::size_t files = 0;
    for ([[maybe_unused]] const auto &entry : std::filesystem::directory_iterator(dir.path()))
        ++files;
    EXPECT_EQ(files, 1u);
}

} // namespace
} // namespace cxr
