// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

namespace cxr {

// One value read from a PyTorch pickle, restricted to what weights files
// hold: None, bools, integers, floats, strings, bytes, lists, tuples, dicts
// (kept in insertion order), tensors and their storages. Containers are
// shared (pickle memo entries alias), so copying a value is cheap.
struct PickleValue {
    enum class Kind {
        None,
        Bool,
        Int,
        BigInt,
        Float,
        String,
        Bytes,
        List,
        Tuple,
        Dict,
        Global,
        Tensor,
        Storage
    };
    using Items = std::vector<PickleValue>;
    using Entries = std::vector<std::pair<PickleValue, PickleValue>>;

    Kind kind = Kind::None;
    bool boolean = false;
    std::int64_t integer = 0;
    double real = 0.0;
    std::string text;                 // String, Bytes, Global ("module.name"), BigInt (LE bytes)
    std::shared_ptr<Items> items;     // List, Tuple
    std::shared_ptr<Entries> entries; // Dict
    at::Tensor tensor;                // Tensor; Storage: the flat storage

    static PickleValue makeString(std::string s);
    static PickleValue makeInt(std::int64_t v);
    static PickleValue makeList(Kind kind = Kind::List); // List or Tuple, empty
    static PickleValue makeDict();

    bool isString() const { return kind == Kind::String; }
    bool isDict() const { return kind == Kind::Dict; }
    bool isTensor() const { return kind == Kind::Tensor; }
    bool isSequence() const { return kind == Kind::List || kind == Kind::Tuple; }

    // The value under a string key of a dict, or nullptr.
    const PickleValue *find(const std::string &key) const;
    // A short description for error messages: "dict of 3", "tensor float [2, 3]".
    std::string describe() const;
};

} // namespace cxr
