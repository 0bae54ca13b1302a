// SPDX-License-Identifier: MIT
#include "data/csv_reader.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>

#include <csv.h>

#include "errors.h"

namespace cxr {
namespace {

// Collects libcsv's field and record callbacks into CsvRows.
struct RowCollector {
    std::vector<CsvRow> rows;
    CsvRow current;
    std::size_t currentLine = 0;   // line being fed to the parser
    std::size_t newlinesInRow = 0; // newlines inside quoted fields of `current`

    static void onField(void *data, std::size_t length, void *context) {
        auto *self = static_cast<RowCollector *>(context);
        const char *text = static_cast<const char *>(data);
        self->current.fields.emplace_back(text ? text : "", text ? length : 0);
        const std::string &field = self->current.fields.back();
        self->newlinesInRow +=
            static_cast<std::size_t>(std::count(field.begin(), field.end(), '\n'));
    }

    static void onRecordEnd(int /*terminator*/, void *context) {
        auto *self = static_cast<RowCollector *>(context);
        self->current.line = self->currentLine - self->newlinesInRow;
        self->rows.push_back(std::move(self->current));
        self->current = CsvRow{};
        self->newlinesInRow = 0;
    }
};

struct ParserDeleter {
    void operator()(csv_parser *parser) const {
        csv_free(parser);
        delete parser;
    }
};

} // namespace

std::vector<CsvRow> parseCsv(const std::string &text, const std::filesystem::path &file) {
    std::unique_ptr<csv_parser, ParserDeleter> parser(new csv_parser);
    // Lenient about stray quotes inside unquoted fields (real exports have
    // them); a quote left open at the end of the file is checked below.
    if (csv_init(parser.get(), CSV_APPEND_NULL) != 0)
        throw DatasetFormatError(file, "out of memory while starting the CSV parser");

    std::size_t start = 0;
    // Skip a UTF-8 byte-order mark, which Excel writes and libcsv would keep
    // as part of the first header name.
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0)
        start = 3;

    RowCollector collector;
    // Feed one physical line at a time so the collector knows which line a
    // record ends on; libcsv keeps its state across calls.
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        end = end == std::string::npos ? text.size() : end + 1;
        ++collector.currentLine;
        const std::size_t length = end - start;
        if (csv_parse(parser.get(),
                      text.data() + start,
                      length,
                      RowCollector::onField,
                      RowCollector::onRecordEnd,
                      &collector) != length)
            throw DatasetFormatError(
                file, csv_strerror(csv_error(parser.get())), collector.currentLine);
        start = end;
    }
    // A quote never closed would silently swallow every row after it into
    // one field. libcsv's state is public: 2 is its FIELD_BEGUN.
    constexpr int kFieldBegun = 2;
    if (parser->pstate == kFieldBegun && parser->quoted)
        throw DatasetFormatError(file,
                                 "the file ends inside a quoted field (a \" opened in the record "
                                 "starting here is never closed)",
                                 collector.rows.empty() ? 1 : collector.rows.back().line + 1);
    if (csv_fini(parser.get(), RowCollector::onField, RowCollector::onRecordEnd, &collector) != 0)
        throw DatasetFormatError(file, csv_strerror(csv_error(parser.get())));
    return std::move(collector.rows);
}

std::vector<CsvRow> readCsv(const std::filesystem::path &file, std::size_t maxBytes) {
    std::error_code error;
    const auto size = std::filesystem::file_size(file, error);
    if (error)
        throw DatasetFormatError(file, error.message());
    if (size > maxBytes)
        throw DatasetFormatError(file,
                                 "the file is " + std::to_string(size) +
                                     " bytes, more than the limit of " + std::to_string(maxBytes));
    std::ifstream stream(file, std::ios::binary);
    if (!stream)
        throw DatasetFormatError(file, "the file cannot be opened for reading");
    std::string text(static_cast<std::size_t>(size), '\0');
    if (!stream.read(text.data(), static_cast<std::streamsize>(size)))
        throw DatasetFormatError(file, "reading the file failed part way");
    return parseCsv(text, file);
}

std::string csvField(const std::string &text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos)
        return text;
    std::string quoted = "\"";
    for (char c : text)
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

} // namespace cxr
