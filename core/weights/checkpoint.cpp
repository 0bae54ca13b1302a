// SPDX-License-Identifier: MIT
#include "weights/checkpoint.h"

#include <ATen/core/Dict.h>
#include <ATen/core/List.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/export.h>
#include <torch/csrc/jit/serialization/pickler.h>
#include <torch/serialize.h>

#include "atomic_file.h"
#include "errors.h"
#include "weights/torch_file.h"

namespace cxr {
namespace {

using Kind = PickleValue::Kind;

[[noreturn]] void fail(const std::filesystem::path &file, const std::string &reason) {
    throw ModelError("could not load checkpoint \"" + file.string() + "\": " + reason);
}

const PickleValue &
require(const PickleValue &root, const char *key, Kind kind, const std::filesystem::path &file) {
    const PickleValue *v = root.find(key);
    if (!v || v->kind != kind)
        fail(file, std::string("the entry \"") + key + "\" is missing or malformed");
    return *v;
}

std::vector<double> numbers(const PickleValue &list, const std::filesystem::path &file) {
    std::vector<double> out;
    if (!list.isSequence())
        fail(file, "preprocessing mean/std is not a list");
    for (const auto &v : *list.items) {
        if (v.kind == Kind::Float)
            out.push_back(v.real);
        else if (v.kind == Kind::Int)
            out.push_back(static_cast<double>(v.integer));
        else
            fail(file, "preprocessing mean/std holds a non-number");
    }
    return out;
}

} // namespace

Checkpoint makeCheckpoint(NetworkImpl &network,
                          std::vector<std::string> classes,
                          const Preprocessing &preprocessing,
                          std::string metadataJson) {
    Checkpoint checkpoint;
    checkpoint.arch = network.architecture();
    checkpoint.classes = std::move(classes);
    checkpoint.preprocessing = preprocessing;
    checkpoint.metadataJson = std::move(metadataJson);
    for (auto &[name, tensor] : networkStateDict(network))
        checkpoint.stateDict.emplace_back(name, tensor.detach().to(at::kCPU).clone());
    return checkpoint;
}

void saveCheckpoint(const std::filesystem::path &file, const Checkpoint &checkpoint) {
    c10::impl::GenericDict root(c10::StringType::get(), c10::AnyType::get());
    root.insert("format", std::string(kCheckpointFormat));
    root.insert("format_version", static_cast<int64_t>(kCheckpointVersion));
    root.insert("arch", std::string(architectureName(checkpoint.arch)));
    c10::List<std::string> classes;
    for (const auto &c : checkpoint.classes)
        classes.push_back(c);
    root.insert("classes", classes);

    const Preprocessing &p = checkpoint.preprocessing;
    c10::impl::GenericDict preprocessing(c10::StringType::get(), c10::AnyType::get());
    preprocessing.insert("image_size", static_cast<int64_t>(p.imageSize));
    preprocessing.insert("channels", static_cast<int64_t>(p.channels));
    preprocessing.insert("mean", c10::List<double>({p.mean[0], p.mean[1], p.mean[2]}));
    preprocessing.insert("std", c10::List<double>({p.std[0], p.std[1], p.std[2]}));
    preprocessing.insert("resize", std::string("bilinear"));
    root.insert("preprocessing", preprocessing);

    c10::Dict<std::string, at::Tensor> state;
    for (const auto &[name, tensor] : checkpoint.stateDict)
        state.insert(name, tensor.contiguous());
    root.insert("state_dict", state);
    root.insert("metadata", checkpoint.metadataJson);
    const auto insertTensors = [&root](const char *key, const StateDict &tensors) {
        if (tensors.empty())
            return;
        c10::Dict<std::string, at::Tensor> dict;
        for (const auto &[name, tensor] : tensors)
            dict.insert(name, tensor.contiguous());
        root.insert(key, dict);
    };
    insertTensors("training_state", checkpoint.trainingState);
    insertTensors("ood_gate", checkpoint.oodGate);

    // torch::pickle_save's format (a zip of data.pkl and one record per
    // tensor), streamed to the file instead of assembled in a growing
    // buffer first: that buffer's reallocations and page faults took most
    // of a checkpoint's second.
    std::vector<char> pickle;
    torch::jit::Pickler pickler([&pickle](const char *data, std::size_t size) {
        pickle.insert(pickle.end(), data, data + size);
    });
    pickler.protocol();
    pickler.pushIValue(root);
    pickler.stop();
    writeFileAtomically(file, [&](const ByteSink &sink) {
        // The sink never throws (it remembers a failure), so neither does
        // the writer, whose destructor would otherwise end the process.
        caffe2::serialize::PyTorchStreamWriter writer([&sink](const void *data, std::size_t size) {
            sink(data, size);
            return size;
        });
        torch::jit::writeArchiveAndTensors(
            "data", pickle.data(), pickle.size(), pickler.tensorData(), writer);
        writer.writeEndOfFile();
    });
}

Checkpoint loadCheckpoint(const std::filesystem::path &file) {
    const TorchFile torchFile = readTorchFile(file);
    const PickleValue &root = torchFile.root;
    const PickleValue *format = root.find("format");
    if (!format || !format->isString() || format->text != kCheckpointFormat)
        fail(file,
             "it is not a CXR Studio checkpoint (plain PyTorch weights are imported with "
             "`cxr import-weights`)");
    const PickleValue &version = require(root, "format_version", Kind::Int, file);
    if (version.integer < 1 || version.integer > kCheckpointVersion)
        fail(file,
             "format version " + std::to_string(version.integer) +
                 " is newer than this CXR Studio understands");
    Checkpoint checkpoint;
    const auto arch = parseArchitecture(require(root, "arch", Kind::String, file).text);
    if (!arch)
        fail(file, "unknown architecture \"" + root.find("arch")->text + "\"");
    checkpoint.arch = *arch;
    const PickleValue *classes = root.find("classes");
    if (!classes || !classes->isSequence() || classes->items->empty())
        fail(file, "the class list is missing or empty");
    for (const auto &c : *classes->items) {
        if (!c.isString())
            fail(file, "a class name is not text");
        checkpoint.classes.push_back(c.text);
    }
    const PickleValue &pre = require(root, "preprocessing", Kind::Dict, file);
    Preprocessing &p = checkpoint.preprocessing;
    p.imageSize = static_cast<int>(require(pre, "image_size", Kind::Int, file).integer);
    p.channels = static_cast<int>(require(pre, "channels", Kind::Int, file).integer);
    const PickleValue *meanValue = pre.find("mean"), *stdValue = pre.find("std");
    if (!meanValue || !stdValue)
        fail(file, "the preprocessing entry has no mean or std");
    const auto mean = numbers(*meanValue, file);
    const auto stdev = numbers(*stdValue, file);
    if (p.imageSize < 16 || p.imageSize > 2048 || p.channels != 3 || mean.size() != 3 ||
        stdev.size() != 3)
        fail(file, "the preprocessing entry is malformed");
    for (std::size_t c = 0; c < 3; ++c) {
        p.mean[c] = static_cast<float>(mean[c]);
        p.std[c] = static_cast<float>(stdev[c]);
        if (!(p.std[c] > 0))
            fail(file, "a normalisation std is not positive");
    }
    if (const PickleValue *metadata = root.find("metadata"); metadata && metadata->isString())
        checkpoint.metadataJson = metadata->text;
    checkpoint.stateDict = findStateDict(root, file.string());
    const auto readTensors = [&root](const char *key, StateDict &into) {
        if (const PickleValue *dict = root.find(key); dict && dict->isDict())
            for (const auto &[name, value] : *dict->entries)
                if (name.isString() && value.isTensor())
                    into.emplace_back(name.text, value.tensor);
    };
    readTensors("training_state", checkpoint.trainingState);
    readTensors("ood_gate", checkpoint.oodGate);
    return checkpoint;
}

Network networkFromCheckpoint(const Checkpoint &checkpoint, const std::string &source) {
    Network network = makeNetwork(checkpoint.arch, static_cast<int>(checkpoint.classes.size()));
    const LoadReport report = loadStateDict(*network, checkpoint.stateDict, source);
    if (report.headReinitialised || !report.missing.empty())
        throw ModelError("could not load checkpoint \"" + source +
                         "\": its weights do not match its " +
                         std::to_string(checkpoint.classes.size()) + " classes and " +
                         architectureName(checkpoint.arch) + " (" + report.summary() + ")");
    network->eval();
    return network;
}

} // namespace cxr
