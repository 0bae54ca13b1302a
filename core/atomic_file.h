// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string_view>

namespace cxr {

// Writes `bytes` to `file` so that readers see either the old file or the
// complete new one, never a torn mix: the data goes to a temporary file in
// the same folder, is flushed to disk, then renamed over `file` (leveldb's
// SetCurrentFile does the same). On failure (disk full, read-only folder)
// the temporary file is removed, `file` is untouched, and an Error naming
// the file and the reason is thrown.
void writeFileAtomically(const std::filesystem::path &file, std::string_view bytes);

// The same for a file made in pieces: `produce` is called once and hands
// each piece, in order, to the sink it is given, which writes it straight to
// the temporary file (a 100 MB checkpoint is never held in memory twice).
// The sink does not throw: a failed write is remembered, later pieces are
// dropped, and the Error comes after `produce` returns. An exception from
// `produce` leaves `file` untouched and propagates.
using ByteSink = std::function<void(const void *data, std::size_t size)>;
void writeFileAtomically(const std::filesystem::path &file,
                         const std::function<void(const ByteSink &)> &produce);

} // namespace cxr
