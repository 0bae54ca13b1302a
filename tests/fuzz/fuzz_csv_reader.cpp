// SPDX-License-Identifier: MIT
// Any text as a CSV file: rows or a clean DatasetFormatError.
#include <cstddef>
#include <cstdint>
#include <string>

#include "data/csv_reader.h"
#include "errors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const std::string text(reinterpret_cast<const char *>(data), size);
    try {
        for (const cxr::CsvRow &row : cxr::parseCsv(text, "fuzz.csv"))
            if (row.line == 0)
                __builtin_trap(); // every record has a 1-based line
    } catch (const cxr::DatasetFormatError &) {
    }
    return 0;
}
