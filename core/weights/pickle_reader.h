// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "weights/pickle_value.h"

namespace cxr {

// Resolves a persistent id (BINPERSID) to a value: the storage the id names.
using PersistentLoad = std::function<PickleValue(const PickleValue &pid)>;

// A deliberately small unpickler for PyTorch weights files (pickle protocol
// 2, as torch.save writes; protocol 4 framing is accepted). It runs no code:
// the only globals it accepts are the handful weights files need
// (collections.OrderedDict, torch._utils._rebuild_tensor[_v2],
// _rebuild_parameter, storage classes, torch.jit._pickle helpers,
// _codecs.encode). Any other global, an unknown opcode, a length past the
// end of the data or a tensor reaching past its storage is refused with a
// ModelError naming `source`.
//
// Reads one pickle starting at data[offset] and sets `offset` past its STOP.
PickleValue readPickle(const char *data,
                       std::size_t size,
                       std::size_t &offset,
                       const PersistentLoad &persistentLoad,
                       const std::string &source);

// A view of `storage` (a flat tensor) with the given offset, sizes and
// strides, after checking that every addressed element lies inside it.
// Throws ModelError naming `source` otherwise.
at::Tensor stridedView(const at::Tensor &storage,
                       std::int64_t offset,
                       const std::vector<std::int64_t> &sizes,
                       const std::vector<std::int64_t> &strides,
                       const std::string &source);

// The dtype a storage class name ("FloatStorage", "torch.cuda.HalfStorage")
// stands for. Throws ModelError for an unknown one.
at::ScalarType storageDtype(const std::string &globalName, const std::string &source);

} // namespace cxr
