// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "errors.h"
#include "explain/cam_method.h"
#include "models/architecture.h"
#include "train/train_config.h"

namespace cxr {
namespace {

TEST(TrainConfig, PresetsAndJson) {
    const auto prcw = presetConfig("PRCW");
    ASSERT_TRUE(prcw.has_value());
    EXPECT_EQ(prcw->sampler, SamplerKind::Weighted);
    EXPECT_EQ(presetConfig("PDCXFL")->arch, Architecture::DenseNet121);
    EXPECT_EQ(presetConfig("PDCXFL")->loss.kind, LossKind::Focal);
    EXPECT_EQ(presetConfig("RCE")->init, "scratch");
    EXPECT_EQ(presetConfig("RCE")->loss.kind, LossKind::Focal);
    EXPECT_FALSE(presetConfig("XYZ").has_value());
    // Paper defaults and StepLR(10, 0.5).
    const TrainConfig c;
    EXPECT_DOUBLE_EQ(c.learningRateAt(9), 1e-3);
    EXPECT_DOUBLE_EQ(c.learningRateAt(10), 5e-4);
    EXPECT_DOUBLE_EQ(c.learningRateAt(19), 5e-4);
    EXPECT_EQ(c.epochs, 20);
    // Round trip, and errors that name the field.
    const TrainConfig back = configFromJson(toJson(*prcw));
    EXPECT_EQ(toJson(back), toJson(*prcw));
    try {
        configFromJson({{"epochs", -1}});
        FAIL();
    } catch (const Error &e) {
        EXPECT_NE(std::string(e.what()).find("epochs"), std::string::npos);
    }
    EXPECT_THROW(configFromJson({{"learning_rate", 1}}), Error);
    EXPECT_THROW(configFromJson({{"sampler", "magic"}}), Error);
    EXPECT_THROW(configFromJson({{"freeze", "some"}}), Error);
}

TEST(TrainConfig, DifferingFieldsNamesEveryChangedSetting) {
    TrainConfig a, b;
    EXPECT_TRUE(differingFields(a, b).empty());
    b.seed = a.seed + 1;
    b.task = Task::BacteriaVsVirus;
    b.freeze = Freeze::Backbone;
    EXPECT_EQ(differingFields(a, b), (std::vector<std::string>{"freeze", "seed", "task"}));
}

// A run records the arithmetic it resolved; asking for auto (the form's and
// the CLI's default) when resuming it is no change, asking for the other
// one is.
TEST(TrainConfig, AutoPrecisionAgreesWithTheRecordedOne) {
    TrainConfig stored, asked;
    stored.precision = Precision::Bf16;
    asked.precision = Precision::Auto;
    EXPECT_TRUE(differingFields(stored, asked).empty());
    EXPECT_TRUE(differingFields(asked, stored).empty());
    asked.precision = Precision::Fp32;
    EXPECT_EQ(differingFields(stored, asked), (std::vector<std::string>{"precision"}));
    EXPECT_EQ(configFromJson({{"precision", "bf16"}}).precision, Precision::Bf16);
    EXPECT_THROW(configFromJson({{"precision", "half"}}), Error);
}

// Every enum's names come from one table: each value has a name, and the
// name reads back as the same value.
TEST(EnumNames, EveryValueRoundTrips) {
    for (Freeze f : {Freeze::None, Freeze::Backbone})
        EXPECT_EQ(parseFreeze(freezeName(f)), f);
    for (LossKind k : {LossKind::CrossEntropy, LossKind::Focal})
        EXPECT_EQ(parseLoss(lossName(k)), k);
    for (SamplerKind k : {SamplerKind::Shuffle, SamplerKind::Weighted})
        EXPECT_EQ(parseSampler(samplerName(k)), k);
    for (CamMethod m : {CamMethod::GradCam, CamMethod::GradCamPlusPlus})
        EXPECT_EQ(parseCamMethod(camMethodName(m)), m);
    for (Smoothing s : {Smoothing::None, Smoothing::Mirror, Smoothing::Flips})
        EXPECT_EQ(parseSmoothing(smoothingName(s)), s);
    for (const ArchitectureInfo &info : architectures())
        EXPECT_EQ(parseArchitecture(architectureName(info.arch)), info.arch);
    for (const TaskInfo &info : tasks())
        EXPECT_EQ(parseTask(taskName(info.task)), info.task);
    // Accepted spellings map to their value; unknown names to nothing.
    EXPECT_EQ(parseLoss("cross-entropy"), LossKind::CrossEntropy);
    EXPECT_EQ(parseCamMethod("grad-cam++"), CamMethod::GradCamPlusPlus);
    EXPECT_FALSE(parseArchitecture("vgg16").has_value());
    EXPECT_FALSE(parseTask("3class").has_value());
}

} // namespace
} // namespace cxr
