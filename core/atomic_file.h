// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <string_view>

namespace cxr {

// Writes `bytes` to `file` so that readers see either the old file or the
// complete new one, never a torn mix: the data goes to a temporary file in
// the same folder, is flushed to disk, then renamed over `file` (leveldb's
// SetCurrentFile does the same). On failure (disk full, read-only folder)
// the temporary file is removed, `file` is untouched, and an Error naming
// the file and the reason is thrown.
void writeFileAtomically(const std::filesystem::path &file, std::string_view bytes);

} // namespace cxr
