// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>

#include "data/csv_reader.h"
#include "errors.h"
#include "support/test_support.h"

namespace cxr {
namespace {

using Rows = std::vector<std::vector<std::string>>;

struct CsvCase {
    const char *name;
    std::string text;
    Rows fields;
    std::vector<std::size_t> lines;
};

class CsvParse : public ::testing::TestWithParam<CsvCase> {};

TEST_P(CsvParse, GivesFieldsAndStartLines) {
    const CsvCase &c = GetParam();
    const auto rows = parseCsv(c.text, "case.csv");
    Rows fields;
    std::vector<std::size_t> lines;
    for (const CsvRow &row : rows) {
        fields.push_back(row.fields);
        lines.push_back(row.line);
    }
    EXPECT_EQ(fields, c.fields);
    EXPECT_EQ(lines, c.lines);
}

INSTANTIATE_TEST_SUITE_P(
    Table,
    CsvParse,
    ::testing::Values(
        CsvCase{"plain", "a,b\n1,2\n", {{"a", "b"}, {"1", "2"}}, {1, 2}},
        CsvCase{"no_final_newline", "a,b\n1,2", {{"a", "b"}, {"1", "2"}}, {1, 2}},
        CsvCase{"bom",
                "\xEF\xBB\xBF"
                "a,b\n1,2\n",
                {{"a", "b"}, {"1", "2"}},
                {1, 2}},
        CsvCase{"crlf", "a,b\r\n1,2\r\n", {{"a", "b"}, {"1", "2"}}, {1, 2}},
        CsvCase{"quoted_comma", "a,b\n\"x, y\",2\n", {{"a", "b"}, {"x, y", "2"}}, {1, 2}},
        CsvCase{"escaped_quote", "a\n\"say \"\"hi\"\"\"\n", {{"a"}, {"say \"hi\""}}, {1, 2}},
        CsvCase{"embedded_newline",
                "a,b\n\"two\nlines\",x\nnext,y\n",
                {{"a", "b"}, {"two\nlines", "x"}, {"next", "y"}},
                {1, 2, 4}},
        CsvCase{"blank_lines_skipped", "a\n\n1\n\n2\n", {{"a"}, {"1"}, {"2"}}, {1, 3, 5}},
        CsvCase{"empty_fields", ",a,,\n", {{"", "a", "", ""}}, {1}},
        CsvCase{"short_row_kept", "a,b,c\n1\n", {{"a", "b", "c"}, {"1"}}, {1, 2}},
        CsvCase{"empty_text", "", {}, {}}),
    [](const ::testing::TestParamInfo<CsvCase> &param) { return std::string(param.param.name); });

TEST(CsvReader, UnclosedQuoteNamesFileAndLine) {
    try {
        parseCsv("a,b\n1,2\n\"open,3\n4,5\n", "data.csv");
        FAIL() << "expected DatasetFormatError";
    } catch (const DatasetFormatError &e) {
        EXPECT_EQ(e.file(), "data.csv");
        EXPECT_EQ(e.line(), 3u);
        EXPECT_NE(std::string(e.what()).find("quoted field"), std::string::npos) << e.what();
    }
}

TEST(CsvReader, MissingFileIsAClearError) {
    test::TempDir dir;
    try {
        readCsv(dir / "absent.csv");
        FAIL() << "expected DatasetFormatError";
    } catch (const DatasetFormatError &e) {
        EXPECT_NE(std::string(e.what()).find("absent.csv"), std::string::npos) << e.what();
    }
}

TEST(CsvReader, RefusesFilesAboveTheLimit) {
    test::TempDir dir;
    test::writeFile(dir / "big.csv", std::string(2000, 'x'));
    EXPECT_THROW(readCsv(dir / "big.csv", 1000), DatasetFormatError);
    EXPECT_EQ(readCsv(dir / "big.csv", 4000).size(), 1u);
}

} // namespace
} // namespace cxr
