// SPDX-License-Identifier: MIT
#include "weights/pickle_reader.h"

#include <array>
#include <cstring>
#include <unordered_map>

#include <ATen/ops/empty.h>

#include "errors.h"

namespace cxr {
namespace {

using Kind = PickleValue::Kind;

// Opcodes of pickle protocols 2 and 4 (Python's Lib/pickle.py names).
enum Op : unsigned char {
    MARK = '(',
    STOP = '.',
    POP = '0',
    POP_MARK = '1',
    DUP = '2',
    BINFLOAT = 'G',
    BININT = 'J',
    BININT1 = 'K',
    BININT2 = 'M',
    NONE = 'N',
    BINPERSID = 'Q',
    REDUCE = 'R',
    BINSTRING = 'T',
    SHORT_BINSTRING = 'U',
    BINUNICODE = 'X',
    APPEND = 'a',
    BUILD = 'b',
    GLOBAL = 'c',
    APPENDS = 'e',
    BINGET = 'h',
    LONG_BINGET = 'j',
    EMPTY_LIST = ']',
    BINPUT = 'q',
    LONG_BINPUT = 'r',
    SETITEM = 's',
    TUPLE = 't',
    SETITEMS = 'u',
    EMPTY_DICT = '}',
    EMPTY_TUPLE = ')',
    PROTO = 0x80,
    NEWOBJ = 0x81,
    TUPLE1 = 0x85,
    TUPLE2 = 0x86,
    TUPLE3 = 0x87,
    NEWTRUE = 0x88,
    NEWFALSE = 0x89,
    LONG1 = 0x8a,
    LONG4 = 0x8b,
    SHORT_BINBYTES = 'C',
    BINBYTES = 'B',
    SHORT_BINUNICODE = 0x8c,
    BINUNICODE8 = 0x8d,
    BINBYTES8 = 0x8e,
    EMPTY_SET = 0x8f,
    MEMOIZE = 0x94,
    FRAME = 0x95,
    STACK_GLOBAL = 0x93,
};

const std::array<const char *, 10> kStorageTypes = {
    "Float", "Double", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte", "Bool"};
const std::array<at::ScalarType, 10> kStorageDtypes = {at::kFloat,
                                                       at::kDouble,
                                                       at::kHalf,
                                                       at::kBFloat16,
                                                       at::kLong,
                                                       at::kInt,
                                                       at::kShort,
                                                       at::kChar,
                                                       at::kByte,
                                                       at::kBool};

// Storage classes (in persistent ids) and, in pre-2017 tar files, tensor
// classes naming a tensor's original type: both are only ever values.
bool isStorageOrTensorClass(const std::string &name) {
    for (const char *prefix : {"torch.", "torch.cuda."})
        for (const char *type : kStorageTypes)
            for (const char *suffix : {"Storage", "Tensor"})
                if (name == std::string(prefix) + type + suffix)
                    return true;
    return false;
}

bool isAllowedGlobal(const std::string &name) {
    static const std::array<const char *, 10> kAllowed = {
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_parameter",
        "torch.jit._pickle.restore_type_tag",
        "torch.jit._pickle.build_intlist",
        "torch.jit._pickle.build_doublelist",
        "torch.jit._pickle.build_boollist",
        "torch.jit._pickle.build_tensorlist",
        "_codecs.encode",
    };
    for (const char *allowed : kAllowed)
        if (name == allowed)
            return true;
    return isStorageOrTensorClass(name);
}

class Unpickler {
  public:
    Unpickler(const char *data,
              std::size_t size,
              std::size_t offset,
              const PersistentLoad &persistentLoad,
              const std::string &source)
        : m_data(data), m_size(size), m_pos(offset), m_persistentLoad(persistentLoad),
          m_source(source) {}

    PickleValue run();
    std::size_t position() const { return m_pos; }

  private:
    [[noreturn]] void fail(const std::string &reason) const {
        throw ModelError("could not read \"" + m_source + "\": " + reason + " (pickle byte " +
                         std::to_string(m_opStart) + ")");
    }

    const char *take(std::size_t n) {
        if (n > m_size - m_pos)
            fail("the data ends early (truncated file?)");
        const char *p = m_data + m_pos;
        m_pos += n;
        return p;
    }
    std::uint64_t unsignedLE(std::size_t n) {
        const auto *p = reinterpret_cast<const unsigned char *>(take(n));
        std::uint64_t v = 0;
        for (std::size_t i = n; i-- > 0;)
            v = (v << 8) | p[i];
        return v;
    }
    std::string bytes(std::uint64_t n) {
        if (n > m_size - m_pos)
            fail("a string is longer than the data left (truncated or corrupt file)");
        return std::string(take(static_cast<std::size_t>(n)), static_cast<std::size_t>(n));
    }
    std::string line() {
        const void *end = std::memchr(m_data + m_pos, '\n', m_size - m_pos);
        if (!end)
            fail("a GLOBAL name has no end of line");
        const std::size_t n =
            static_cast<std::size_t>(static_cast<const char *>(end) - (m_data + m_pos));
        std::string s(take(n), n);
        take(1);
        return s;
    }

    PickleValue pop() {
        if (m_stack.empty() || (!m_marks.empty() && m_stack.size() <= m_marks.back()))
            fail("the pickle pops from an empty stack");
        PickleValue v = std::move(m_stack.back());
        m_stack.pop_back();
        return v;
    }
    PickleValue &top() {
        if (m_stack.empty())
            fail("the pickle reads from an empty stack");
        return m_stack.back();
    }
    // Everything pushed since the last MARK, removing it and the mark.
    std::vector<PickleValue> popMark() {
        if (m_marks.empty())
            fail("the pickle closes a MARK it never opened");
        const std::size_t mark = m_marks.back();
        m_marks.pop_back();
        std::vector<PickleValue> values(
            std::make_move_iterator(m_stack.begin() + static_cast<std::ptrdiff_t>(mark)),
            std::make_move_iterator(m_stack.end()));
        m_stack.resize(mark);
        return values;
    }
    PickleValue tuple(std::vector<PickleValue> values) {
        PickleValue t = PickleValue::makeList(Kind::Tuple);
        *t.items = std::move(values);
        return t;
    }
    void pushGlobal(const std::string &module, const std::string &name) {
        const std::string full = module + "." + name;
        if (!isAllowedGlobal(full))
            fail("it refers to \"" + full +
                 "\", which a weights file has no need for; refusing to load it, since "
                 "unpickling it could run code");
        PickleValue g;
        g.kind = Kind::Global;
        g.text = full;
        m_stack.push_back(std::move(g));
    }
    void addItems(PickleValue &target, std::vector<PickleValue> values);
    void setItems(PickleValue &target, std::vector<PickleValue> values);
    PickleValue call(const PickleValue &callable, const PickleValue &args);
    PickleValue rebuildTensor(const PickleValue::Items &args);

    const char *m_data;
    std::size_t m_size;
    std::size_t m_pos;
    std::size_t m_opStart = 0;
    const PersistentLoad &m_persistentLoad;
    const std::string &m_source;
    std::vector<PickleValue> m_stack;
    std::vector<std::size_t> m_marks;
    std::unordered_map<std::uint64_t, PickleValue> m_memo;
};

void Unpickler::addItems(PickleValue &target, std::vector<PickleValue> values) {
    if (target.kind != Kind::List)
        fail("APPEND on something that is not a list");
    for (auto &v : values)
        target.items->push_back(std::move(v));
}

void Unpickler::setItems(PickleValue &target, std::vector<PickleValue> values) {
    if (target.kind != Kind::Dict)
        fail("SETITEM on something that is not a dict");
    if (values.size() % 2)
        fail("SETITEMS with an odd number of values");
    for (std::size_t i = 0; i < values.size(); i += 2)
        target.entries->emplace_back(std::move(values[i]), std::move(values[i + 1]));
}

PickleValue Unpickler::rebuildTensor(const PickleValue::Items &args) {
    // (storage, storage_offset, size, stride, ...): a strided view.
    if (args.size() < 4 || args[0].kind != Kind::Storage || args[1].kind != Kind::Int ||
        !args[2].isSequence() || !args[3].isSequence())
        fail("a tensor is described with unexpected arguments");
    std::vector<std::int64_t> sizes, strides;
    for (const auto &v : *args[2].items)
        sizes.push_back(v.kind == Kind::Int ? v.integer : -1);
    for (const auto &v : *args[3].items)
        strides.push_back(v.kind == Kind::Int ? v.integer : -1);
    PickleValue t;
    t.kind = Kind::Tensor;
    t.tensor = stridedView(args[0].tensor, args[1].integer, sizes, strides, m_source);
    return t;
}

PickleValue Unpickler::call(const PickleValue &callable, const PickleValue &args) {
    if (callable.kind != Kind::Global)
        fail("the pickle calls something that is not an allowed function");
    if (!args.isSequence())
        fail("a call's arguments are not a tuple");
    const auto &a = *args.items;
    const std::string &name = callable.text;
    if (name == "collections.OrderedDict") {
        PickleValue dict = PickleValue::makeDict();
        if (!a.empty() && a[0].isSequence()) // OrderedDict([(k, v), ...])
            for (const auto &pair : *a[0].items)
                if (pair.isSequence() && pair.items->size() == 2)
                    dict.entries->emplace_back((*pair.items)[0], (*pair.items)[1]);
        return dict;
    }
    if (name == "torch._utils._rebuild_tensor_v2" || name == "torch._utils._rebuild_tensor")
        return rebuildTensor(a);
    if (name == "torch._utils._rebuild_parameter" || name.rfind("torch.jit._pickle.", 0) == 0) {
        if (a.empty())
            fail(name + " without arguments");
        return a[0]; // the tensor, list or dict it wraps
    }
    if (name == "_codecs.encode") {
        // Protocol 2 stores Python 3 bytes as _codecs.encode(str, "latin1").
        if (a.empty() || !a[0].isString())
            fail("_codecs.encode without a string");
        PickleValue b;
        b.kind = Kind::Bytes;
        for (std::size_t i = 0; i < a[0].text.size();) { // UTF-8 code points < 256
            const auto c = static_cast<unsigned char>(a[0].text[i]);
            if (c < 0x80) {
                b.text += static_cast<char>(c);
                i += 1;
            } else if (i + 1 < a[0].text.size()) {
                b.text += static_cast<char>(((c & 0x1F) << 6) |
                                            (static_cast<unsigned char>(a[0].text[i + 1]) & 0x3F));
                i += 2;
            } else {
                break;
            }
        }
        return b;
    }
    fail("\"" + name + "\" cannot be called");
}

PickleValue Unpickler::run() {
    while (true) {
        m_opStart = m_pos;
        const auto op = static_cast<unsigned char>(*take(1));
        switch (op) {
        case PROTO:
            if (static_cast<unsigned char>(*take(1)) > 5)
                fail("unsupported pickle protocol");
            break;
        case FRAME:
            take(8); // protocol 4 framing carries no values
            break;
        case STOP:
            if (m_stack.size() != 1 || !m_marks.empty())
                fail("the pickle ends with a malformed stack");
            return pop();
        case MARK:
            m_marks.push_back(m_stack.size());
            break;
        case POP:
            pop();
            break;
        case POP_MARK:
            popMark();
            break;
        case DUP:
            m_stack.push_back(top());
            break;
        case NONE:
            m_stack.emplace_back();
            break;
        case NEWTRUE:
        case NEWFALSE: {
            PickleValue v;
            v.kind = Kind::Bool;
            v.boolean = op == NEWTRUE;
            m_stack.push_back(v);
            break;
        }
        case BININT:
            m_stack.push_back(PickleValue::makeInt(static_cast<std::int32_t>(unsignedLE(4))));
            break;
        case BININT1:
            m_stack.push_back(PickleValue::makeInt(static_cast<std::int64_t>(unsignedLE(1))));
            break;
        case BININT2:
            m_stack.push_back(PickleValue::makeInt(static_cast<std::int64_t>(unsignedLE(2))));
            break;
        case LONG1:
        case LONG4: {
            const std::uint64_t n = op == LONG1 ? unsignedLE(1) : unsignedLE(4);
            const std::string raw = bytes(n);
            PickleValue v;
            if (n <= 8) { // two's complement, little-endian
                std::uint64_t u = 0;
                for (std::size_t i = n; i-- > 0;)
                    u = (u << 8) | static_cast<unsigned char>(raw[i]);
                if (n > 0 && n < 8 && (static_cast<unsigned char>(raw[n - 1]) & 0x80))
                    u |= ~std::uint64_t{0} << (8 * n);
                v = PickleValue::makeInt(static_cast<std::int64_t>(u));
            } else {
                v.kind = Kind::BigInt;
                v.text = raw;
            }
            m_stack.push_back(v);
            break;
        }
        case BINFLOAT: {
            const auto *p = reinterpret_cast<const unsigned char *>(take(8));
            std::uint64_t bits = 0;
            for (int i = 0; i < 8; ++i) // big-endian IEEE 754
                bits = (bits << 8) | p[i];
            PickleValue v;
            v.kind = Kind::Float;
            std::memcpy(&v.real, &bits, sizeof bits);
            m_stack.push_back(v);
            break;
        }
        case SHORT_BINUNICODE:
        case BINUNICODE:
        case BINUNICODE8:
        case SHORT_BINSTRING:
        case BINSTRING: {
            const std::uint64_t n = (op == SHORT_BINUNICODE || op == SHORT_BINSTRING)
                                        ? unsignedLE(1)
                                    : op == BINUNICODE8 ? unsignedLE(8)
                                                        : unsignedLE(4);
            m_stack.push_back(PickleValue::makeString(bytes(n)));
            break;
        }
        case SHORT_BINBYTES:
        case BINBYTES:
        case BINBYTES8: {
            const std::uint64_t n = op == SHORT_BINBYTES ? unsignedLE(1)
                                    : op == BINBYTES8    ? unsignedLE(8)
                                                         : unsignedLE(4);
            PickleValue v;
            v.kind = Kind::Bytes;
            v.text = bytes(n);
            m_stack.push_back(v);
            break;
        }
        case EMPTY_LIST:
            m_stack.push_back(PickleValue::makeList());
            break;
        case EMPTY_TUPLE:
            m_stack.push_back(PickleValue::makeList(Kind::Tuple));
            break;
        case EMPTY_DICT:
            m_stack.push_back(PickleValue::makeDict());
            break;
        case EMPTY_SET:
            m_stack.push_back(PickleValue::makeList());
            break;
        case TUPLE:
            m_stack.push_back(tuple(popMark()));
            break;
        case TUPLE1:
        case TUPLE2:
        case TUPLE3: {
            const std::size_t n = op - TUPLE1 + 1;
            std::vector<PickleValue> values(n);
            for (std::size_t i = n; i-- > 0;)
                values[i] = pop();
            m_stack.push_back(tuple(std::move(values)));
            break;
        }
        case APPEND: {
            PickleValue v = pop();
            addItems(top(), {std::move(v)});
            break;
        }
        case APPENDS: {
            auto values = popMark();
            addItems(top(), std::move(values));
            break;
        }
        case SETITEM: {
            PickleValue value = pop();
            PickleValue key = pop();
            setItems(top(), {std::move(key), std::move(value)});
            break;
        }
        case SETITEMS: {
            auto values = popMark();
            setItems(top(), std::move(values));
            break;
        }
        case BINPUT:
        case LONG_BINPUT:
            m_memo[op == BINPUT ? unsignedLE(1) : unsignedLE(4)] = top();
            break;
        case MEMOIZE:
            m_memo[m_memo.size()] = top();
            break;
        case BINGET:
        case LONG_BINGET: {
            const auto it = m_memo.find(op == BINGET ? unsignedLE(1) : unsignedLE(4));
            if (it == m_memo.end())
                fail("the pickle refers to a memo entry it never stored");
            m_stack.push_back(it->second);
            break;
        }
        case GLOBAL: {
            const std::string module = line();
            const std::string name = line();
            pushGlobal(module, name);
            break;
        }
        case STACK_GLOBAL: {
            const PickleValue name = pop();
            const PickleValue module = pop();
            if (!name.isString() || !module.isString())
                fail("STACK_GLOBAL without string names");
            pushGlobal(module.text, name.text);
            break;
        }
        case REDUCE:
        case NEWOBJ: {
            const PickleValue args = pop();
            const PickleValue callable = pop();
            m_stack.push_back(call(callable, args));
            break;
        }
        case BUILD:
            // Object state (an OrderedDict's _metadata, a Parameter's hooks)
            // carries nothing a weights file needs.
            pop();
            top();
            break;
        case BINPERSID: {
            if (!m_persistentLoad)
                fail("the pickle refers to external data, which is not expected here");
            const PickleValue pid = pop();
            m_stack.push_back(m_persistentLoad(pid));
            break;
        }
        default: {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02x", op);
            fail(std::string("unsupported pickle opcode ") + hex);
        }
        }
    }
}

} // namespace

at::Tensor stridedView(const at::Tensor &storage,
                       std::int64_t offset,
                       const std::vector<std::int64_t> &sizes,
                       const std::vector<std::int64_t> &strides,
                       const std::string &source) {
    auto fail = [&source](const std::string &reason) {
        throw ModelError("could not read \"" + source + "\": " + reason);
    };
    if (sizes.size() != strides.size() || sizes.size() > 16)
        fail("a tensor's size and stride are malformed");
    constexpr std::int64_t kHuge = std::int64_t{1} << 40;
    bool empty = false;
    std::int64_t last = offset;
    for (std::size_t d = 0; d < sizes.size(); ++d) {
        if (sizes[d] < 0 || strides[d] < 0 || sizes[d] > kHuge || strides[d] > kHuge)
            fail("a tensor has a negative or absurd size or stride");
        empty |= sizes[d] == 0;
        last += (sizes[d] - 1) * strides[d];
    }
    if (offset < 0 || offset > kHuge || (!empty && last >= storage.numel()))
        fail("a tensor reaches past the end of its storage");
    return empty ? at::empty(sizes, storage.options()) : storage.as_strided(sizes, strides, offset);
}

at::ScalarType storageDtype(const std::string &globalName, const std::string &source) {
    for (std::size_t i = 0; i < kStorageTypes.size(); ++i)
        for (const char *prefix : {"", "torch.", "torch.cuda."})
            if (globalName == std::string(prefix) + kStorageTypes[i] + "Storage")
                return kStorageDtypes[i];
    throw ModelError("could not read \"" + source + "\": unknown storage type \"" + globalName +
                     "\"");
}

PickleValue readPickle(const char *data,
                       std::size_t size,
                       std::size_t &offset,
                       const PersistentLoad &persistentLoad,
                       const std::string &source) {
    if (offset >= size)
        throw ModelError("could not read \"" + source + "\": the data ends before a pickle");
    Unpickler unpickler(data, size, offset, persistentLoad, source);
    PickleValue value = unpickler.run();
    offset = unpickler.position();
    return value;
}

} // namespace cxr
