// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "data/transforms.h"
#include "models/network.h"
#include "weights/state_dict.h"

namespace cxr {

// A trained model as one .pt file that PyTorch opens with torch.load():
//   {"format": "cxr-studio-checkpoint", "format_version": 1,
//    "arch": "resnet50" | "densenet121", "classes": [...],
//    "preprocessing": {"image_size", "channels", "mean", "std", "resize"},
//    "state_dict": {torchvision name: tensor},   # strict-loads into torchvision
//    "metadata": "<JSON text>",                  # training config, metrics, ...
//    "ood_gate": {name: tensor}}                 # optional, see infer/ood_gate.h
constexpr const char *kCheckpointFormat = "cxr-studio-checkpoint";
constexpr int kCheckpointVersion = 1;

struct Checkpoint {
    Architecture arch = Architecture::ResNet50;
    std::vector<std::string> classes;
    Preprocessing preprocessing;
    StateDict stateDict;
    std::string metadataJson = "{}";
    // Tensors a training run needs to resume (optimiser state, the unfinished
    // epoch's predictions), stored under "training_state"; empty otherwise.
    StateDict trainingState;
    // The out-of-distribution gate's statistics (infer/ood_gate.h), stored
    // under "ood_gate"; empty for a model without one.
    StateDict oodGate;
};

// The checkpoint of a network: its state dict (CPU copies) and the rest.
Checkpoint makeCheckpoint(NetworkImpl &network,
                          std::vector<std::string> classes,
                          const Preprocessing &preprocessing,
                          std::string metadataJson = "{}");

// Writes atomically (temporary file + rename): an existing file at `file` is
// replaced only by a complete new one. Throws Error naming the file.
void saveCheckpoint(const std::filesystem::path &file, const Checkpoint &checkpoint);

// Reads and validates a checkpoint. Throws ModelError naming the file for a
// truncated file, a file of another kind (e.g. plain weights: use weight
// import), an unknown architecture or version, or a state dict that does
// not fit the architecture and class count.
Checkpoint loadCheckpoint(const std::filesystem::path &file);

// A network built from the checkpoint, in eval mode.
Network networkFromCheckpoint(const Checkpoint &checkpoint, const std::string &source);

} // namespace cxr
