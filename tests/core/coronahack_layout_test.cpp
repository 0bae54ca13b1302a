// SPDX-License-Identifier: MIT
#include <map>

#include <gtest/gtest.h>

#include "data/coronahack_layout.h"
#include "data/dataset_scan.h"
#include "errors.h"
#include "support/test_support.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;

struct LabelCase {
    std::string label, label1, label2;
    std::string expected; // empty: rejected
};

class CoronaHackLabels : public ::testing::TestWithParam<LabelCase> {};

TEST_P(CoronaHackLabels, MapAsThePaperDoes) {
    const LabelCase &c = GetParam();
    std::string reason;
    const auto mapped = mapCoronaHackLabel(c.label, c.label1, c.label2, reason);
    if (c.expected.empty()) {
        EXPECT_FALSE(mapped.has_value());
        EXPECT_FALSE(reason.empty());
    } else {
        ASSERT_TRUE(mapped.has_value()) << reason;
        EXPECT_EQ(*mapped, c.expected);
    }
}

INSTANTIATE_TEST_SUITE_P(Table,
                         CoronaHackLabels,
                         ::testing::Values(LabelCase{"Normal", "", "", "NORMAL"},
                                           LabelCase{"Pnemonia", "bacteria", "", "BACTERIA"},
                                           LabelCase{
                                               "Pnemonia", "bacteria", "Streptococcus", "BACTERIA"},
                                           LabelCase{"Pnemonia", "Virus", "", "VIRUS"},
                                           LabelCase{"Pnemonia", "Virus", "SARS", "VIRUS"},
                                           LabelCase{"Pnemonia", "Virus", "COVID-19", "COVID19"},
                                           LabelCase{"Pnemonia", "Stress-Smoking", "ARDS", ""},
                                           LabelCase{"Pnemonia", "", "", ""},
                                           LabelCase{"Pnuemonia", "bacteria", "", ""},
                                           LabelCase{"", "", "", ""}));

// The real Kaggle metadata: every one of its 5,910 rows mapped.
TEST(CoronaHackMetadata, RealCsvGivesThePublishedCounts) {
    CXR_REQUIRE_SHARED_DATA("coronahack-metadata");
    const auto metadata =
        readCoronaHackMetadata(test::sharedData() / "coronahack-metadata" / kCoronaHackCsvName);
    std::map<std::string, int> counts;
    for (const auto &entry : metadata.entries)
        ++counts[entry.className];
    EXPECT_EQ(counts["NORMAL"], 1576);
    EXPECT_EQ(counts["BACTERIA"], 2777);
    EXPECT_EQ(counts["VIRUS"], 1497);
    EXPECT_EQ(counts["COVID19"], 58);
    ASSERT_EQ(metadata.rejected.size(), 2u);
    for (const auto &r : metadata.rejected)
        EXPECT_NE(r.reason.find("Stress-Smoking"), std::string::npos) << r.reason;
    EXPECT_EQ(metadata.entries.size() + metadata.rejected.size(), 5910u);
}

const char *kHeader =
    ",X_ray_image_name,Label,Dataset_type,Label_2_Virus_category,Label_1_Virus_category\n";

// A CoronaHack folder in the Kaggle archive's layout with the given CSV
// body; images named in `present` are written.
fs::path makeDataset(const test::TempDir &dir,
                     const std::string &csv,
                     const std::vector<std::string> &present) {
    test::writeFile(dir / kCoronaHackCsvName, csv);
    const fs::path images =
        dir.path() / "Coronahack-Chest-XRay-Dataset" / "Coronahack-Chest-XRay-Dataset";
    fs::create_directories(images / "train");
    fs::create_directories(images / "test");
    for (const std::string &relative : present)
        test::writeImage(images / relative, test::gradientImage(24, 20));
    return dir.path();
}

TEST(CoronaHackScan, IndexesRowsAndRejectsWhatCannotBeUsed) {
    test::TempDir dir;
    const std::string csv = std::string(kHeader) +
                            "0,IM-0001-0001.jpeg,Normal,TRAIN,,\n"
                            "1,person1_bacteria_1.jpeg,Pnemonia,TRAIN,,bacteria\n"
                            "2,person2_virus_3.jpeg,Pnemonia,TEST,,Virus\n"
                            "3,covid.png,Pnemonia,TRAIN,COVID-19,Virus\n"
                            "4,ards.png,Pnemonia,TRAIN,ARDS,Stress-Smoking\n"
                            "5,typo.png,Pnuemonia,TRAIN,,bacteria\n"
                            "6,missing.png,Normal,TRAIN,,\n"
                            "7,IM-0001-0001.jpeg,Normal,TRAIN,,\n"
                            "8,short.png,Normal\n"
                            "9,odd.png,Normal,VALID,,\n";
    const fs::path root = makeDataset(dir,
                                      csv,
                                      {"train/IM-0001-0001.jpeg",
                                       "train/person1_bacteria_1.jpeg",
                                       "test/person2_virus_3.jpeg",
                                       "train/covid.png",
                                       "train/ards.png",
                                       "train/typo.png",
                                       "train/short.png"});
    const DatasetIndex index = scan(root);
    EXPECT_EQ(index.layout, Layout::CoronaHack);
    EXPECT_EQ(index.classes, (std::vector<std::string>{"NORMAL", "BACTERIA", "VIRUS", "COVID19"}));
    ASSERT_EQ(index.samples.size(), 4u);
    EXPECT_EQ(index.samples[0].patientId, "IM-0001");
    EXPECT_EQ(index.samples[1].patientId, "person1");
    EXPECT_EQ(index.samples[2].split, Split::Test);
    EXPECT_EQ(index.classes[static_cast<std::size_t>(index.samples[3].label)], "COVID19");
    EXPECT_EQ(index.samples[0].width, 24);

    // A row is listed under the image it names, with its CSV line; a row
    // whose image cannot be placed under "<csv>:<line>", naming the image.
    std::map<std::string, std::string> reasons; // file name or csv:line -> reason
    for (const Rejected &r : index.rejected)
        reasons[r.path.filename().string()] = r.reason;
    ASSERT_EQ(reasons.size(), 6u);
    const std::string csvName = kCoronaHackCsvName;
    const auto has = [&reasons](const std::string &key, const std::string &text) {
        return reasons[key].find(text) != std::string::npos;
    };
    EXPECT_TRUE(has("ards.png", "Stress-Smoking")) << reasons["ards.png"];
    EXPECT_TRUE(has("ards.png", "line 6 of " + csvName)) << reasons["ards.png"];
    EXPECT_TRUE(has("typo.png", "line 7 of " + csvName + ": unknown Label \"Pnuemonia\""))
        << reasons["typo.png"];
    EXPECT_TRUE(has("IM-0001-0001.jpeg", "line 9 of " + csvName)) << reasons["IM-0001-0001.jpeg"];
    EXPECT_TRUE(has("IM-0001-0001.jpeg", "listed again; first listed on line 2"));
    EXPECT_TRUE(has(csvName + ":10", "fields")) << reasons[csvName + ":10"];
    EXPECT_TRUE(has(csvName + ":10", "\"short.png\"")) << reasons[csvName + ":10"];
    EXPECT_TRUE(has(csvName + ":11", "Dataset_type \"VALID\"")) << reasons[csvName + ":11"];
    EXPECT_TRUE(has(csvName + ":11", "\"odd.png\"")) << reasons[csvName + ":11"];
    EXPECT_TRUE(has("missing.png", "line 8")) << reasons["missing.png"];
    for (const Rejected &r : index.rejected) {
        if (r.path.filename() == "ards.png") {
            EXPECT_EQ(r.path,
                      root / "Coronahack-Chest-XRay-Dataset" / "Coronahack-Chest-XRay-Dataset" /
                          "train" / "ards.png");
        }
    }
}

TEST(CoronaHackScan, AcceptsBomCrlfAndQuotedNamesWithCommas) {
    test::TempDir dir;
    std::string csv = "\xEF\xBB\xBF" + std::string(kHeader) +
                      "0,\"a, b.png\",Normal,TRAIN,,\n1,c.png,Pnemonia,TEST,,Virus\n";
    std::string crlf;
    for (char c : csv)
        crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    const fs::path root = makeDataset(dir, crlf, {"train/a, b.png", "test/c.png"});
    const DatasetIndex index = scan(root);
    ASSERT_EQ(index.samples.size(), 2u) << (index.rejected.empty() ? "" : index.rejected[0].reason);
    EXPECT_EQ(index.samples[0].path.filename(), "a, b.png");
    EXPECT_TRUE(index.rejected.empty());
}

// A 50 MB CSV (about a million rows, most naming absent files, some
// repeats): the scan finishes, indexes the rows that are real and rejects
// the rest, each with its line.
TEST(CoronaHackScan, FiftyMegabyteCsv) {
    test::TempDir dir;
    std::string csv = kHeader;
    csv.reserve(std::size_t{52} << 20);
    std::size_t rows = 0;
    while (csv.size() < std::size_t{50} << 20) {
        const std::string name =
            rows % 1000 == 7 ? "present.png" : "absent_" + std::to_string(rows) + ".png";
        csv += std::to_string(rows) + "," + name +
               ",Pnemonia,TRAIN,,Virus,padding to make a long row\n";
        ++rows;
    }
    const fs::path root = makeDataset(dir, csv, {"train/present.png"});
    const DatasetIndex index = scan(root);
    ASSERT_EQ(index.samples.size(), 1u);
    EXPECT_EQ(index.rejected.size(), rows - 1);
    std::size_t repeats = 0, absent = 0;
    for (const Rejected &r : index.rejected) {
        repeats += r.reason.find("listed again; first listed on line 9") != std::string::npos;
        absent += r.reason.find("not found") != std::string::npos;
    }
    EXPECT_EQ(repeats + absent, rows - 1);
    EXPECT_EQ(repeats, (rows - 7 + 999) / 1000 - 1);
}

TEST(CoronaHackScan, MissingColumnIsFatalAndNamed) {
    test::TempDir dir;
    makeDataset(dir, ",X_ray_image_name,Label,Dataset_type\n0,a.png,Normal,TRAIN\n", {});
    try {
        scan(dir.path());
        FAIL() << "expected DatasetFormatError";
    } catch (const DatasetFormatError &e) {
        EXPECT_EQ(e.line(), 1u);
        EXPECT_NE(std::string(e.what()).find("Label_1_Virus_category"), std::string::npos)
            << e.what();
    }
}

TEST(CoronaHackScan, AcceptsTheCsvPathItself) {
    test::TempDir dir;
    makeDataset(dir, std::string(kHeader) + "0,a.png,Normal,TRAIN,,\n", {"train/a.png"});
    const DatasetIndex index = scan(dir / kCoronaHackCsvName);
    EXPECT_EQ(index.samples.size(), 1u);
}

TEST(CoronaHackScan, NoImageFoldersIsAClearError) {
    test::TempDir dir;
    test::writeFile(dir / kCoronaHackCsvName, std::string(kHeader));
    EXPECT_THROW(scan(dir.path()), DatasetFormatError);
}

} // namespace
} // namespace cxr
