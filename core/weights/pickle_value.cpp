// SPDX-License-Identifier: MIT
#include "weights/pickle_value.h"

#include <sstream>

namespace cxr {

PickleValue PickleValue::makeString(std::string s) {
    PickleValue v;
    v.kind = Kind::String;
    v.text = std::move(s);
    return v;
}

PickleValue PickleValue::makeInt(std::int64_t value) {
    PickleValue v;
    v.kind = Kind::Int;
    v.integer = value;
    return v;
}

PickleValue PickleValue::makeList(Kind kind) {
    PickleValue v;
    v.kind = kind;
    v.items = std::make_shared<Items>();
    return v;
}

PickleValue PickleValue::makeDict() {
    PickleValue v;
    v.kind = Kind::Dict;
    v.entries = std::make_shared<Entries>();
    return v;
}

const PickleValue *PickleValue::find(const std::string &key) const {
    if (kind != Kind::Dict)
        return nullptr;
    for (const auto &[k, value] : *entries)
        if (k.kind == Kind::String && k.text == key)
            return &value;
    return nullptr;
}

std::string PickleValue::describe() const {
    std::ostringstream out;
    switch (kind) {
    case Kind::None:
        return "None";
    case Kind::Bool:
        return boolean ? "True" : "False";
    case Kind::Int:
        return std::to_string(integer);
    case Kind::BigInt:
        return "a large integer";
    case Kind::Float:
        out << real;
        return out.str();
    case Kind::String:
        return "\"" + text + "\"";
    case Kind::Bytes:
        return "bytes";
    case Kind::List:
        return "list of " + std::to_string(items->size());
    case Kind::Tuple:
        return "tuple of " + std::to_string(items->size());
    case Kind::Dict:
        return "dict of " + std::to_string(entries->size());
    case Kind::Global:
        return text;
    case Kind::Storage:
        return "storage";
    case Kind::Tensor:
        break;
    }
    out << "tensor " << tensor.scalar_type() << " " << tensor.sizes();
    return out.str();
}

} // namespace cxr
