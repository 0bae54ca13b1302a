// SPDX-License-Identifier: MIT
#include "train/train_config.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "enum_names.h"
#include "errors.h"

namespace cxr {
namespace {

const std::vector<Preset> kPresets = {
    {"PRCE", "ResNet50 pretrained on ImageNet, cross-entropy"},
    {"PRCW", "ResNet50 pretrained on ImageNet, cross-entropy, weighted sampler"},
    {"PRFL", "ResNet50 pretrained on ImageNet, focal loss"},
    {"PDCXCE", "DenseNet121 pretrained by CheXNet, cross-entropy"},
    {"PDCXFL", "DenseNet121 pretrained by CheXNet, focal loss"},
    {"RCE", "ResNet50 from scratch, focal loss (the paper's text says focal despite the name)"},
};

constexpr EnumName<Freeze> kFreezeNames[] = {{Freeze::None, "none"},
                                             {Freeze::Backbone, "backbone"}};

[[noreturn]] void badField(const std::string &field, const std::string &why) {
    throw Error("invalid training config: \"" + field + "\" " + why);
}

} // namespace

const char *freezeName(Freeze freeze) { return nameOf(kFreezeNames, freeze); }

std::optional<Freeze> parseFreeze(const std::string &name) { return parseName(kFreezeNames, name); }

double TrainConfig::learningRateAt(int epoch) const {
    return learningRate * std::pow(stepGamma, stepSize > 0 ? epoch / stepSize : 0);
}

Preprocessing TrainConfig::preprocessing() const {
    Preprocessing p;
    p.imageSize = imageSize;
    return p;
}

const std::vector<Preset> &presets() { return kPresets; }

std::optional<TrainConfig> presetConfig(const std::string &name) {
    TrainConfig c;
    c.preset = name;
    if (name == "PRCE") {
    } else if (name == "PRCW") {
        c.sampler = SamplerKind::Weighted;
    } else if (name == "PRFL") {
        c.loss.kind = LossKind::Focal;
    } else if (name == "PDCXCE") {
        c.arch = Architecture::DenseNet121;
        c.init = "chexnet";
    } else if (name == "PDCXFL") {
        c.arch = Architecture::DenseNet121;
        c.init = "chexnet";
        c.loss.kind = LossKind::Focal;
    } else if (name == "RCE") {
        c.init = "scratch";
        c.loss.kind = LossKind::Focal;
    } else {
        return std::nullopt;
    }
    return c;
}

nlohmann::json toJson(const TrainConfig &c) {
    return {{"preset", c.preset},
            {"task", taskName(c.task)},
            {"arch", architectureName(c.arch)},
            {"init", c.init},
            {"chexnet_weights", c.chexnetWeights},
            {"weights_cache", c.weightsCache},
            {"loss", lossName(c.loss.kind)},
            {"focal_gamma", c.loss.gamma},
            {"focal_alpha", c.loss.alpha},
            {"sampler", samplerName(c.sampler)},
            {"hflip", c.augmentation.hflipProbability},
            {"vflip", c.augmentation.vflipProbability},
            {"rotation_probability", c.augmentation.rotationProbability},
            {"rotation_degrees", c.augmentation.maxRotationDegrees},
            {"lr", c.learningRate},
            {"step_size", c.stepSize},
            {"step_gamma", c.stepGamma},
            {"epochs", c.epochs},
            {"batch_size", c.batchSize},
            {"image_size", c.imageSize},
            {"val_fraction", c.valFraction},
            {"seed", c.seed},
            {"threads", c.threads},
            {"loader_threads", c.loaderThreads},
            {"freeze", freezeName(c.freeze)},
            {"precision", precisionName(c.precision)},
            {"patience", c.patience},
            {"world_size", c.worldSize},
            {"excluded", c.excluded}};
}

TrainConfig configFromJson(const nlohmann::json &json, TrainConfig c) {
    if (!json.is_object())
        throw Error("invalid training config: expected a JSON object");
    for (const auto &[key, value] : json.items()) {
        try {
            if (key == "preset") {
                const std::string name = value.get<std::string>();
                if (!name.empty()) {
                    const auto preset = presetConfig(name);
                    if (!preset)
                        badField(key, "names no known preset");
                    c.preset = name;
                }
            } else if (key == "task") {
                const auto task = parseTask(value.get<std::string>());
                if (!task)
                    badField(key, "must be " + taskNameList());
                c.task = *task;
            } else if (key == "arch") {
                const auto arch = parseArchitecture(value.get<std::string>());
                if (!arch)
                    badField(key, "must be resnet50 or densenet121");
                c.arch = *arch;
            } else if (key == "init") {
                c.init = value.get<std::string>();
            } else if (key == "chexnet_weights") {
                c.chexnetWeights = value.get<std::string>();
            } else if (key == "weights_cache") {
                c.weightsCache = value.get<std::string>();
            } else if (key == "loss") {
                const auto loss = parseLoss(value.get<std::string>());
                if (!loss)
                    badField(key, "must be ce or focal");
                c.loss.kind = *loss;
            } else if (key == "focal_gamma") {
                c.loss.gamma = value.get<double>();
            } else if (key == "focal_alpha") {
                c.loss.alpha = value.get<std::vector<double>>();
            } else if (key == "sampler") {
                const auto sampler = parseSampler(value.get<std::string>());
                if (!sampler)
                    badField(key, "must be none or weighted");
                c.sampler = *sampler;
            } else if (key == "hflip") {
                c.augmentation.hflipProbability = value.get<double>();
            } else if (key == "vflip") {
                c.augmentation.vflipProbability = value.get<double>();
            } else if (key == "rotation_probability") {
                c.augmentation.rotationProbability = value.get<double>();
            } else if (key == "rotation_degrees") {
                c.augmentation.maxRotationDegrees = value.get<double>();
            } else if (key == "lr") {
                c.learningRate = value.get<double>();
            } else if (key == "step_size") {
                c.stepSize = value.get<int>();
            } else if (key == "step_gamma") {
                c.stepGamma = value.get<double>();
            } else if (key == "epochs") {
                c.epochs = value.get<int>();
            } else if (key == "batch_size") {
                c.batchSize = value.get<int>();
            } else if (key == "image_size") {
                c.imageSize = value.get<int>();
            } else if (key == "val_fraction") {
                c.valFraction = value.get<double>();
            } else if (key == "seed") {
                c.seed = value.get<std::uint64_t>();
            } else if (key == "threads") {
                c.threads = value.get<int>();
            } else if (key == "loader_threads") {
                c.loaderThreads = value.get<int>();
            } else if (key == "freeze") {
                const auto freeze = parseFreeze(value.get<std::string>());
                if (!freeze)
                    badField(key, "must be none or backbone");
                c.freeze = *freeze;
            } else if (key == "precision") {
                const auto precision = parsePrecision(value.get<std::string>());
                if (!precision)
                    badField(key, "must be auto, fp32 or bf16");
                c.precision = *precision;
            } else if (key == "patience") {
                c.patience = value.get<int>();
            } else if (key == "world_size") {
                c.worldSize = value.get<int>();
            } else if (key == "excluded") {
                c.excluded = value.get<std::vector<std::string>>();
            } else {
                badField(key, "is not a known setting");
            }
        } catch (const nlohmann::json::exception &) {
            badField(key, "has a value of the wrong type");
        }
    }
    validate(c);
    return c;
}

void validate(const TrainConfig &c) {
    auto probability = [](const char *field, double p) {
        if (!(p >= 0 && p <= 1))
            badField(field, "must be between 0 and 1");
    };
    probability("hflip", c.augmentation.hflipProbability);
    probability("vflip", c.augmentation.vflipProbability);
    probability("rotation_probability", c.augmentation.rotationProbability);
    if (c.epochs < 1 || c.epochs > 10000)
        badField("epochs", "must be between 1 and 10000");
    if (c.batchSize < 1 || c.batchSize > 4096)
        badField("batch_size", "must be between 1 and 4096");
    if (c.imageSize < 32 || c.imageSize > 1024)
        badField("image_size", "must be between 32 and 1024");
    if (!(c.learningRate > 0 && c.learningRate < 10))
        badField("lr", "must be positive and below 10");
    if (!(c.valFraction >= 0 && c.valFraction < 1))
        badField("val_fraction", "must be in [0, 1)");
    if (!(c.loss.gamma >= 0))
        badField("focal_gamma", "must not be negative");
    if (c.stepSize < 0 || !(c.stepGamma > 0))
        badField("step_size", "and step_gamma must be positive");
    if (c.patience < 0)
        badField("patience", "must not be negative");
    if (c.loaderThreads < 1 || c.loaderThreads > 64)
        badField("loader_threads", "must be between 1 and 64");
    if (c.threads < 0)
        badField("threads", "must not be negative");
    if (c.worldSize < 1)
        badField("world_size", "must be at least 1");
}

std::vector<std::string> differingFields(const TrainConfig &a, const TrainConfig &b) {
    const nlohmann::json left = toJson(a), right = toJson(b);
    // Auto asks for no particular arithmetic, so it agrees with a run's
    // recorded fp32 or bf16.
    const bool eitherPrecision = a.precision == Precision::Auto || b.precision == Precision::Auto;
    std::vector<std::string> fields;
    for (const auto &[key, value] : left.items())
        if ((!right.contains(key) || right[key] != value) &&
            !(key == "precision" && eitherPrecision))
            fields.push_back(key);
    return fields;
}

} // namespace cxr
