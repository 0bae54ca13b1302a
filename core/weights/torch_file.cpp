// SPDX-License-Identifier: MIT
#include "weights/torch_file.h"

#include <algorithm>
#include <cstring>
#include <map>

#include <ATen/ops/empty.h>
#include <c10/util/Exception.h>
#include <caffe2/serialize/inline_container.h>
#include <caffe2/serialize/read_adapter_interface.h>

#include "data/image_decode.h" // readFileBytes
#include "errors.h"
#include "weights/pickle_reader.h"

namespace cxr {
namespace {

using Kind = PickleValue::Kind;

// The legacy format's first pickle: this 80-bit integer, little-endian.
const std::string kLegacyMagic("\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 10);
constexpr std::int64_t kLegacyProtocol = 1001;

[[noreturn]] void fail(const std::string &source, const std::string &reason) {
    throw ModelError("could not read \"" + source + "\": " + reason);
}

std::string keyOf(const PickleValue &v) {
    if (v.kind == Kind::String)
        return v.text;
    if (v.kind == Kind::Int)
        return std::to_string(v.integer);
    return {};
}

// Checks a storage's element count against the bytes that can hold it,
// before anything is allocated.
void checkStorageSize(std::int64_t numel,
                      at::ScalarType dtype,
                      std::uint64_t available,
                      const std::string &source) {
    const auto elementSize = static_cast<std::uint64_t>(c10::elementSize(dtype));
    if (numel < 0 || static_cast<std::uint64_t>(numel) > available / elementSize)
        fail(source,
             "a storage claims " + std::to_string(numel) +
                 " elements, more than the file holds (truncated or corrupt file?)");
}

// ('storage', storage_type, key, location, numel[, view_metadata])
struct StorageId {
    at::ScalarType dtype;
    std::string key;
    std::int64_t numel;
    const PickleValue *view = nullptr; // (view_key, offset, size) or None
};

StorageId parseStorageId(const PickleValue &pid, const std::string &source) {
    if (!pid.isSequence() || pid.items->empty() || !(*pid.items)[0].isString())
        fail(source, "an external reference is not a storage reference");
    const auto &t = *pid.items;
    if (t[0].text == "module")
        fail(source,
             "the file stores a whole Python model object, not a state dict; save "
             "model.state_dict() instead");
    if (t[0].text != "storage" || t.size() < 5 || t[1].kind != Kind::Global ||
        t[4].kind != Kind::Int)
        fail(source, "an external reference is not a storage reference");
    StorageId id{storageDtype(t[1].text, source), keyOf(t[2]), t[4].integer};
    if (t.size() > 5 && t[5].kind != Kind::None)
        id.view = &t[5];
    return id;
}

PickleValue storageValue(at::Tensor tensor) {
    PickleValue v;
    v.kind = Kind::Storage;
    v.tensor = std::move(tensor);
    return v;
}

// memcpy is undefined for a null pointer even with length 0, and empty
// storages and 0-d shapes have one (found by UBSan).
void copyBytes(void *to, const void *from, std::size_t n) {
    if (n != 0)
        std::memcpy(to, from, n);
}

// LibTorch's MemoryReadAdapter copies whatever range the zip reader asks
// for, so a corrupt central directory pointing past the end read freed
// memory (found by fuzz_torch_file). This one clamps every read to the
// buffer; a short read makes the zip reader fail cleanly.
class BoundedReader : public caffe2::serialize::ReadAdapterInterface {
  public:
    explicit BoundedReader(const std::string &bytes) : m_bytes(bytes) {}
    size_t size() const override { return m_bytes.size(); }
    size_t read(uint64_t pos, void *buf, size_t n, const char * = "") const override {
        if (pos >= m_bytes.size())
            return 0;
        const auto available = static_cast<size_t>(std::min<uint64_t>(n, m_bytes.size() - pos));
        std::memcpy(buf, m_bytes.data() + pos, available);
        return available;
    }

  private:
    const std::string &m_bytes; // outlives the reader: both live in readZip
};

// An absolute entry name, or one with a ".." component.
bool leavesArchive(const std::string &name) {
    if (!name.empty() && name.front() == '/')
        return true;
    std::size_t start = 0;
    while (start <= name.size()) {
        const std::size_t end = std::min(name.find('/', start), name.size());
        if (name.compare(start, end - start, "..") == 0)
            return true;
        start = end + 1;
    }
    return false;
}

TorchFile readZip(const std::string &bytes, const std::string &source) {
    try {
        caffe2::serialize::PyTorchStreamReader reader(std::make_shared<BoundedReader>(bytes));
        // Nothing is ever extracted to disk, but torch.save never writes such
        // names, so a file that has them was crafted or damaged: refuse it
        // rather than guess which entries to trust. getAllRecords itself
        // refuses entries outside the archive's folder.
        for (const std::string &name : reader.getAllRecords())
            if (leavesArchive(name))
                fail(source, "the zip entry \"" + name + "\" points outside the archive");
        if (!reader.hasRecord("data.pkl"))
            fail(source,
                 "the zip archive has no data.pkl (a TorchScript file? export the state "
                 "dict with torch.save(model.state_dict(), ...))");
        const auto [pickleData, pickleSize] = reader.getRecord("data.pkl");
        std::map<std::string, at::Tensor> storages;
        const PersistentLoad load = [&](const PickleValue &pid) {
            const StorageId id = parseStorageId(pid, source);
            auto it = storages.find(id.key);
            if (it == storages.end()) {
                const std::string record = "data/" + id.key;
                if (id.key.empty() || id.key.find('/') != std::string::npos ||
                    id.key.find("..") != std::string::npos || !reader.hasRecord(record))
                    fail(source, "the storage \"" + id.key + "\" is missing from the archive");
                const auto [data, size] = reader.getRecord(record);
                checkStorageSize(id.numel, id.dtype, size, source);
                at::Tensor storage = at::empty({id.numel}, at::TensorOptions().dtype(id.dtype));
                copyBytes(storage.data_ptr(), data.get(), storage.nbytes());
                it = storages.emplace(id.key, storage).first;
            }
            return storageValue(it->second);
        };
        std::size_t offset = 0;
        TorchFile file{
            TorchFileFormat::Zip,
            readPickle(
                static_cast<const char *>(pickleData.get()), pickleSize, offset, load, source)};
        return file;
    } catch (const c10::Error &e) {
        fail(source,
             std::string("not a readable PyTorch zip archive (") + e.what_without_backtrace() +
                 ")");
    }
}

TorchFile readLegacy(const std::string &bytes, const std::string &source) {
    const char *data = bytes.data();
    const std::size_t size = bytes.size();
    std::size_t offset = 0;
    const PickleValue magic = readPickle(data, size, offset, {}, source);
    if (magic.kind != Kind::BigInt || magic.text != kLegacyMagic)
        fail(source, "not a PyTorch file (wrong magic number)");
    const PickleValue protocol = readPickle(data, size, offset, {}, source);
    if (protocol.kind != Kind::Int || protocol.integer != kLegacyProtocol)
        fail(source, "unsupported legacy protocol version " + protocol.describe());
    const PickleValue sysInfo = readPickle(data, size, offset, {}, source);
    if (const PickleValue *little = sysInfo.find("little_endian");
        little && little->kind == Kind::Bool && !little->boolean)
        fail(source, "the file was written on a big-endian machine, which is not supported");

    // Storages are named in the pickle but their bytes follow it, so they are
    // allocated now (bounded by the file size) and filled afterwards; the
    // tensors are views, so they see the data once it is copied in.
    std::map<std::string, at::Tensor> storages;
    const PersistentLoad load = [&](const PickleValue &pid) {
        const StorageId id = parseStorageId(pid, source);
        auto it = storages.find(id.key);
        if (it == storages.end()) {
            checkStorageSize(id.numel, id.dtype, size - offset, source);
            it =
                storages.emplace(id.key, at::empty({id.numel}, at::TensorOptions().dtype(id.dtype)))
                    .first;
        }
        if (!id.view)
            return storageValue(it->second);
        // (view_key, offset, size): a slice of the root storage.
        const auto &v = *id.view;
        if (!v.isSequence() || v.items->size() != 3 || (*v.items)[1].kind != Kind::Int ||
            (*v.items)[2].kind != Kind::Int)
            fail(source, "a storage view is malformed");
        const std::int64_t start = (*v.items)[1].integer, length = (*v.items)[2].integer;
        if (start < 0 || length < 0 || start + length > it->second.numel())
            fail(source, "a storage view reaches past its storage");
        return storageValue(it->second.narrow(0, start, length));
    };
    TorchFile file{TorchFileFormat::Legacy, readPickle(data, size, offset, load, source)};

    const PickleValue keys = readPickle(data, size, offset, {}, source);
    if (!keys.isSequence())
        fail(source, "the storage key list is missing");
    for (const PickleValue &key : *keys.items) {
        const auto it = storages.find(keyOf(key));
        if (it == storages.end())
            fail(source, "the data names a storage the pickle never used");
        if (size - offset < 8)
            fail(source, "the file ends before the storage data (truncated file?)");
        std::int64_t numel = 0;
        std::memcpy(&numel, data + offset, 8);
        offset += 8;
        if (numel != it->second.numel())
            fail(source, "a storage's size does not match the pickle");
        const std::size_t nbytes = it->second.nbytes();
        if (size - offset < nbytes)
            fail(source, "the file ends inside the storage data (truncated file?)");
        copyBytes(it->second.data_ptr(), data + offset, nbytes);
        offset += nbytes;
    }
    return file;
}

// Tar members by name, parsed from 512-byte ustar headers.
std::map<std::string, std::string> tarMembers(const std::string &bytes, const std::string &source) {
    std::map<std::string, std::string> members;
    std::size_t pos = 0;
    while (pos + 512 <= bytes.size()) {
        const char *header = bytes.data() + pos;
        if (header[0] == '\0')
            break; // end-of-archive blocks
        const std::string name(header, strnlen(header, 100));
        const std::string sizeField(header + 124, strnlen(header + 124, 12));
        std::uint64_t size = 0;
        for (char c : sizeField)
            if (c >= '0' && c <= '7')
                size = size * 8 + static_cast<std::uint64_t>(c - '0');
        const char type = header[156];
        pos += 512;
        if (size > bytes.size() - pos)
            fail(source, "the tar member \"" + name + "\" is cut short (truncated file?)");
        if (type == '0' || type == '\0')
            members[name] = bytes.substr(pos, static_cast<std::size_t>(size));
        pos += static_cast<std::size_t>((size + 511) / 512 * 512);
    }
    return members;
}

TorchFile readTar(const std::string &bytes, const std::string &source) {
    auto members = tarMembers(bytes, source);
    for (const char *needed : {"storages", "tensors", "pickle"})
        if (!members.count(needed))
            fail(source, std::string("the tar archive has no \"") + needed + "\" member");

    std::map<std::string, at::Tensor> storages;
    {
        const std::string &s = members["storages"];
        std::size_t offset = 0;
        const PickleValue count = readPickle(s.data(), s.size(), offset, {}, source);
        if (count.kind != Kind::Int || count.integer < 0)
            fail(source, "the storage count is malformed");
        for (std::int64_t i = 0; i < count.integer; ++i) {
            const PickleValue entry = readPickle(s.data(), s.size(), offset, {}, source);
            if (!entry.isSequence() || entry.items->size() != 3 ||
                (*entry.items)[2].kind != Kind::Global)
                fail(source, "a storage entry is malformed");
            const at::ScalarType dtype = storageDtype((*entry.items)[2].text, source);
            if (s.size() - offset < 8)
                fail(source, "the storages member ends early");
            std::int64_t numel = 0;
            std::memcpy(&numel, s.data() + offset, 8);
            offset += 8;
            checkStorageSize(numel, dtype, s.size() - offset, source);
            at::Tensor storage = at::empty({numel}, at::TensorOptions().dtype(dtype));
            copyBytes(storage.data_ptr(), s.data() + offset, storage.nbytes());
            offset += storage.nbytes();
            storages[keyOf((*entry.items)[0])] = storage;
        }
        // Storage views: [(target, root, offset, numel), ...]
        const PickleValue views = readPickle(s.data(), s.size(), offset, {}, source);
        if (views.isSequence())
            for (const PickleValue &v : *views.items) {
                if (!v.isSequence() || v.items->size() != 4)
                    fail(source, "a storage view is malformed");
                const auto &t = *v.items;
                const auto root = storages.find(keyOf(t[1]));
                if (root == storages.end() || t[2].kind != Kind::Int || t[3].kind != Kind::Int ||
                    t[2].integer < 0 || t[3].integer < 0 ||
                    t[2].integer + t[3].integer > root->second.numel())
                    fail(source, "a storage view is malformed");
                storages[keyOf(t[0])] = root->second.narrow(0, t[2].integer, t[3].integer);
            }
    }

    std::map<std::string, at::Tensor> tensors;
    {
        const std::string &s = members["tensors"];
        std::size_t offset = 0;
        const PickleValue count = readPickle(s.data(), s.size(), offset, {}, source);
        if (count.kind != Kind::Int || count.integer < 0)
            fail(source, "the tensor count is malformed");
        for (std::int64_t i = 0; i < count.integer; ++i) {
            const PickleValue entry = readPickle(s.data(), s.size(), offset, {}, source);
            if (!entry.isSequence() || entry.items->size() < 2)
                fail(source, "a tensor entry is malformed");
            const auto storage = storages.find(keyOf((*entry.items)[1]));
            if (storage == storages.end())
                fail(source, "a tensor names a storage that does not exist");
            std::int32_t ndim = 0;
            if (s.size() - offset < 8)
                fail(source, "the tensors member ends early");
            std::memcpy(&ndim, s.data() + offset, 4);
            offset += 8; // ndim was written as 8 bytes of which 4 are used
            if (ndim < 0 || ndim > 16 ||
                s.size() - offset < static_cast<std::size_t>(ndim) * 16 + 8)
                fail(source, "a tensor header is malformed");
            std::vector<std::int64_t> sizes(static_cast<std::size_t>(ndim)),
                strides(static_cast<std::size_t>(ndim));
            copyBytes(sizes.data(), s.data() + offset, 8 * sizes.size());
            offset += 8 * sizes.size();
            copyBytes(strides.data(), s.data() + offset, 8 * strides.size());
            offset += 8 * strides.size();
            std::int64_t storageOffset = 0;
            std::memcpy(&storageOffset, s.data() + offset, 8);
            offset += 8;
            tensors[keyOf((*entry.items)[0])] =
                stridedView(storage->second, storageOffset, sizes, strides, source);
        }
    }

    const std::string &p = members["pickle"];
    std::size_t offset = 0;
    const PersistentLoad load = [&](const PickleValue &pid) {
        if (pid.isSequence())
            fail(source, "the file stores a whole Python model object, not a state dict");
        const auto it = tensors.find(keyOf(pid));
        if (it == tensors.end())
            fail(source, "the pickle names a tensor that does not exist");
        PickleValue t;
        t.kind = Kind::Tensor;
        t.tensor = it->second;
        return t;
    };
    return TorchFile{TorchFileFormat::Tar, readPickle(p.data(), p.size(), offset, load, source)};
}

} // namespace

const char *torchFileFormatName(TorchFileFormat format) {
    switch (format) {
    case TorchFileFormat::Zip:
        return "zip";
    case TorchFileFormat::Legacy:
        return "legacy";
    case TorchFileFormat::Tar:
        break;
    }
    return "tar";
}

TorchFile readTorchBytes(const std::string &bytes, const std::string &source) {
    if (bytes.size() < 4)
        fail(source, "the file is empty or too short to be a PyTorch file");
    if (bytes.compare(0, 4, "PK\x03\x04") == 0)
        return readZip(bytes, source);
    if (bytes.size() > 262 && bytes.compare(257, 5, "ustar") == 0)
        return readTar(bytes, source);
    if (static_cast<unsigned char>(bytes[0]) == 0x80)
        return readLegacy(bytes, source);
    fail(source, "not a PyTorch weights file (neither zip, legacy pickle nor tar format)");
}

TorchFile readTorchFile(const std::filesystem::path &file) {
    std::string bytes;
    try {
        bytes = readFileBytes(file, std::uint64_t{4} << 30);
    } catch (const ImageLoadError &e) {
        throw ModelError("could not read \"" + file.string() + "\": " + e.reason());
    }
    return readTorchBytes(bytes, file.string());
}

} // namespace cxr
