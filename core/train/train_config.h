// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "data/task.h"
#include "data/transforms.h"
#include "models/architecture.h"
#include "models/loss_config.h"
#include "models/precision.h"
#include "train/sampler.h"

namespace cxr {

// Which parameters train: all, or the head alone on a frozen backbone.
enum class Freeze { None, Backbone };
const char *freezeName(Freeze freeze); // "none", "backbone"
std::optional<Freeze> parseFreeze(const std::string &name);

// Everything that defines a training run. Defaults are the paper's
// settings: Adam lr 1e-3, StepLR(10, 0.5), 20 epochs, flips p = 0.5 and a
// rotation with p = 0.3, 224 px inputs. A plain value: copy it freely.
struct TrainConfig {
    std::string preset; // the Table 1 name it came from, if any
    Task task = Task::FourClass;
    Architecture arch = Architecture::ResNet50;
    std::string init = "imagenet"; // imagenet | chexnet | scratch | a weights/model file
    LossConfig loss;
    SamplerKind sampler = SamplerKind::Shuffle;
    Augmentation augmentation;
    double learningRate = 1e-3;
    int stepSize = 10; // StepLR: lr *= stepGamma every stepSize epochs
    double stepGamma = 0.5;
    int epochs = 20;
    int batchSize = 16;
    int imageSize = 224;
    double valFraction = 0.1; // of the training split, by patient
    std::uint64_t seed = 42;
    int threads = 0;       // LibTorch threads; 0 = every core
    int loaderThreads = 2; // image decoding threads
    Freeze freeze = Freeze::None;
    // The forward pass's arithmetic. A new run resolves Auto when it starts
    // and records fp32 or bf16; a stored config without the field is a run
    // made before bf16 training existed, which trained in fp32.
    Precision precision = Precision::Auto;
    int patience = 0;           // early stopping after this many epochs without
                                // a better val balanced accuracy; 0 = off
    std::string chexnetWeights; // file used when init is "chexnet"
    std::string weightsCache;   // download cache for init weights; empty = the default folder
    int worldSize = 1;          // processes of the job that started the run (recorded only:
                                // a resumed run may use another number)
    // Images left out of every split (paths relative to the dataset folder,
    // as `cxr audit --write-exclusions` lists them).
    std::vector<std::string> excluded;

    // The learning rate of a 0-based epoch under StepLR.
    double learningRateAt(int epoch) const;
    Preprocessing preprocessing() const;
};

// One of the paper's Table 1 configurations.
struct Preset {
    const char *name;
    const char *description;
};

const std::vector<Preset> &presets();

// The configuration of a preset (PRCE, PRCW, PRFL, PDCXCE, PDCXFL, RCE);
// nullopt for an unknown name.
std::optional<TrainConfig> presetConfig(const std::string &name);

nlohmann::json toJson(const TrainConfig &config);

// Reads a config from JSON, starting from `base` for fields it does not
// name. Throws Error naming the field for an unknown key or a bad value.
TrainConfig configFromJson(const nlohmann::json &json, TrainConfig base = {});

// Checks values (positive sizes, probabilities in [0, 1], ...). Throws
// Error naming the field.
void validate(const TrainConfig &config);

// The config.json keys whose values differ between two configurations, in
// key order: what a resume with other settings would change. A precision of
// auto on either side differs from none.
std::vector<std::string> differingFields(const TrainConfig &a, const TrainConfig &b);

} // namespace cxr
