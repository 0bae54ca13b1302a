// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace cxr {

// One record of a CSV file. line is the 1-based line the record starts on,
// so error messages can point at it even when quoted fields span lines.
struct CsvRow {
    std::size_t line = 0;
    std::vector<std::string> fields;
};

// Reads a whole RFC 4180 CSV file with libcsv: comma-separated, optional
// double quotes (with "" escapes and embedded commas or newlines), LF or CRLF
// line ends, a UTF-8 byte-order mark ignored, blank lines skipped, spaces
// around unquoted fields trimmed.
//
// Throws DatasetFormatError naming the file when it cannot be opened, is
// larger than maxBytes, or ends inside a quoted field. Rows of unequal length
// are returned as they are: the caller decides what a short row means.
std::vector<CsvRow> readCsv(const std::filesystem::path &file,
                            std::size_t maxBytes = std::size_t{1} << 30);

// Parses CSV text held in memory; `file` only names it in errors.
std::vector<CsvRow> parseCsv(const std::string &text, const std::filesystem::path &file);

// One field for a CSV file this code writes: as it is, or in double quotes
// (inner quotes doubled) when it holds a comma, a quote or a line break,
// so that readCsv reads it back unchanged.
std::string csvField(const std::string &text);

} // namespace cxr
