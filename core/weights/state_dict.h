// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

#include "models/network.h"
#include "weights/pickle_value.h"

namespace cxr {

// Parameter and buffer tensors by torchvision name, in file order.
using StateDict = std::vector<std::pair<std::string, at::Tensor>>;

// The state dict inside what torch.load returned: the value itself when it
// maps names to tensors, else the first of "state_dict", "model",
// "model_state_dict", "net" that does (checkpoints of training scripts nest
// it). Throws ModelError naming `source` when there is none.
StateDict findStateDict(const PickleValue &root, const std::string &source);

// Renames keys of published files to torchvision's current names:
//   "module."         DataParallel prefix, removed
//   "densenet121."    CheXNet's wrapper attribute, removed
//   "classifier.0."   CheXNet's Sequential(Linear, Sigmoid) head -> "classifier."
//   "...denselayer1.norm.1.weight" -> "...denselayer1.norm1.weight" (pre-0.4
//   DenseNet names; torchvision's own regex does the same)
StateDict normaliseKeys(StateDict dict);

// What loading a state dict into a network did.
struct LoadReport {
    std::size_t loaded = 0;
    std::vector<std::string> missing;    // network tensors the file lacks
    std::vector<std::string> unexpected; // file tensors the network lacks
    bool headReinitialised = false;      // the file's head had another class count
    int sourceHeadOutputs = 0;           // its output count, when it had a head
    std::string summary() const;         // several lines for a CLI or log
};

// Copies matching tensors into the network (converting dtype, e.g. half to
// float). A head whose output count differs from the network's is left
// freshly initialised and reported, never loaded partly. Throws ModelError
// naming `source` when a backbone tensor has the wrong shape, or when less
// than half of the network's backbone tensors are found (weights for
// another architecture). Missing "num_batches_tracked" buffers (files from
// before PyTorch 0.4.1) are filled with 0 and not counted as missing.
LoadReport loadStateDict(NetworkImpl &network, const StateDict &dict, const std::string &source);

// The network's own state dict (parameters and buffers, torchvision names).
StateDict networkStateDict(NetworkImpl &network);

} // namespace cxr
