// SPDX-License-Identifier: MIT
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "data/csv_reader.h"
#include "data/dataset_scan.h"
#include "data/folder_layouts.h"
#include "errors.h"
#include "support/test_support.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;

std::size_t count(const DatasetIndex &index, Split split, const std::string &className) {
    return index.counts()[static_cast<std::size_t>(split)]
                         [static_cast<std::size_t>(index.classIndex(className))];
}

bool rejectedWith(const DatasetIndex &index, const std::string &file, const std::string &words) {
    for (const Rejected &r : index.rejected)
        if (r.path.filename() == file && r.reason.find(words) != std::string::npos)
            return true;
    return false;
}

TEST(KermanyScan, SplitsPneumoniaByFileName) {
    test::TempDir dir;
    const fs::path root = dir / "chest_xray";
    const cv::Mat image = test::gradientImage(30, 20);
    test::writeImage(root / "train/NORMAL/IM-0115-0001.jpeg", image);
    test::writeImage(root / "train/NORMAL/NORMAL2-IM-0115-0001.jpeg", image);
    test::writeImage(root / "train/PNEUMONIA/person1_bacteria_1.jpeg", image);
    test::writeImage(root / "train/PNEUMONIA/person1_bacteria_2.jpeg", image);
    test::writeImage(root / "test/PNEUMONIA/person3_virus_15.jpeg", image);
    test::writeImage(root / "val/PNEUMONIA/person9_unclear.jpeg", image);
    test::writeFile(root / "train/NORMAL/.DS_Store", "junk");
    test::writeFile(dir / "__MACOSX/chest_xray/train/NORMAL/._IM-0115-0001.jpeg", "junk");

    // The archive's outer folder is accepted as well as chest_xray/ itself.
    for (const fs::path &path : {dir.path(), root}) {
        const DatasetIndex index = scan(path);
        EXPECT_EQ(index.layout, Layout::Kermany);
        EXPECT_EQ(index.classes, (std::vector<std::string>{"NORMAL", "BACTERIA", "VIRUS"}));
        EXPECT_EQ(count(index, Split::Train, "NORMAL"), 2u);
        EXPECT_EQ(count(index, Split::Train, "BACTERIA"), 2u);
        EXPECT_EQ(count(index, Split::Test, "VIRUS"), 1u);
        ASSERT_EQ(index.rejected.size(), 1u);
        EXPECT_TRUE(rejectedWith(index, "person9_unclear.jpeg", "bacteria or virus"));
        std::set<std::string> patients;
        for (const Sample &s : index.samples)
            patients.insert(s.patientId);
        EXPECT_EQ(patients, (std::set<std::string>{"IM-0115", "person1", "person3"}));
    }
}

TEST(ClassFolderScan, SplitLayoutWithRejects) {
    test::TempDir dir;
    const cv::Mat image = test::gradientImage(16, 16);
    test::writeImage(dir / "train/cats/a.png", image);
    test::writeImage(dir / "train/cats/sub/b.png", image);
    test::writeImage(dir / "train/COVID19/c.png", image);
    test::writeImage(dir / "test/COVID19/d.bmp", image);
    test::writeImage(dir / "validation/NORMAL/e.png", image);
    test::writeFile(dir / "train/cats/notes.txt", "hello");
    test::writeFile(dir / "train/loose.png", test::readFile(dir / "train/cats/a.png"));
    test::writeFile(dir / "train/COVID19/fake.png", "this is text, not a PNG");
    test::writeFile(dir / "train/COVID19/empty.jpg", "");
    fs::create_directory_symlink(dir / "train", dir / "train/cats/loop");

    const DatasetIndex index = scan(dir.path());
    EXPECT_EQ(index.layout, Layout::ClassFolders);
    EXPECT_EQ(index.classes, (std::vector<std::string>{"NORMAL", "COVID19", "cats"}));
    EXPECT_EQ(count(index, Split::Train, "cats"), 2u);
    EXPECT_EQ(count(index, Split::Train, "COVID19"), 1u);
    EXPECT_EQ(count(index, Split::Test, "COVID19"), 1u);
    EXPECT_EQ(count(index, Split::Val, "NORMAL"), 1u);
    EXPECT_TRUE(rejectedWith(index, "notes.txt", "not an image"));
    EXPECT_TRUE(rejectedWith(index, "loose.png", "not in a class folder"));
    EXPECT_TRUE(rejectedWith(index, "fake.png", "not a PNG, JPEG"));
    EXPECT_TRUE(rejectedWith(index, "empty.jpg", "empty"));
    EXPECT_TRUE(rejectedWith(index, "loop", "not followed"));
    EXPECT_EQ(index.rejected.size(), 5u);
}

TEST(ClassFolderScan, WithoutSplitFolders) {
    test::TempDir dir;
    const cv::Mat image = test::gradientImage(16, 16);
    test::writeImage(dir / "NORMAL/a.png", image);
    test::writeImage(dir / "VIRUS/b.png", image);
    test::writeImage(dir / "VIRUS/c.png", image);
    fs::create_directories(dir / "empty_folder");
    const DatasetIndex index = scan(dir.path());
    EXPECT_EQ(index.classes, (std::vector<std::string>{"NORMAL", "VIRUS"}));
    EXPECT_EQ(count(index, Split::Unsplit, "VIRUS"), 2u);
    EXPECT_FALSE(index.hasSplit(Split::Train));
}

// Class and file names in other scripts and with spaces index like any
// other; a broken one among them is rejected under its own name.
TEST(ClassFolderScan, NonAsciiNamesAndSpaces) {
    test::TempDir dir;
    const fs::path root = dir / u8"données de test";
    const cv::Mat image = test::gradientImage(16, 16);
    test::writeImage(root / u8"train/NORMAL/ñormal 1.png", image);
    test::writeImage(root / u8"train/NORMAL/正常 2.png", image);
    test::writeImage(root / u8"train/VÍRUS/vírus 3.png", image);
    test::writeFile(root / u8"train/VÍRUS/cassé.png", "not a png");
    const DatasetIndex index = scan(root);
    EXPECT_EQ(index.classes, (std::vector<std::string>{"NORMAL", u8"VÍRUS"}));
    EXPECT_EQ(count(index, Split::Train, "NORMAL"), 2u);
    EXPECT_EQ(count(index, Split::Train, u8"VÍRUS"), 1u);
    ASSERT_EQ(index.rejected.size(), 1u);
    EXPECT_EQ(index.rejected[0].path.filename().string(), u8"cassé.png");
}

TEST(DatasetScan, NotADatasetIsAClearError) {
    test::TempDir dir;
    test::writeFile(dir / "readme.txt", "nothing here");
    try {
        scan(dir.path());
        FAIL() << "expected DatasetFormatError";
    } catch (const DatasetFormatError &e) {
        EXPECT_NE(std::string(e.what()).find("not a dataset"), std::string::npos) << e.what();
    }
    EXPECT_THROW(scan(dir / "absent"), DatasetFormatError);
}

TEST(DatasetScan, ForcedLayoutThatDoesNotFit) {
    test::TempDir dir;
    test::writeImage(dir / "train/NORMAL/a.png", test::gradientImage(8, 8));
    ScanOptions options;
    options.layout = Layout::Kermany;
    EXPECT_THROW(scan(dir.path(), options), DatasetFormatError);
    options.layout = Layout::CoronaHack;
    EXPECT_THROW(scan(dir.path(), options), DatasetFormatError);
}

TEST(DatasetScan, CancelStopsTheImageChecks) {
    test::TempDir dir;
    for (int i = 0; i < 20; ++i)
        test::writeImage(dir / ("NORMAL/" + std::to_string(i) + ".png"), test::gradientImage(8, 8));
    CancelToken cancel;
    cancel.cancel();
    ScanOptions options;
    options.cancel = &cancel;
    EXPECT_THROW(scan(dir.path(), options), Cancelled);
}

// The real sample: counts per class and split must equal its MANIFEST.csv.
TEST(DatasetScan, RealSampleMatchesManifest) {
    CXR_REQUIRE_SHARED_DATA("cxr-sample");
    const fs::path root = test::sharedData() / "cxr-sample";
    std::map<std::pair<std::string, std::string>, std::size_t> expected;
    const auto rows = readCsv(root / "MANIFEST.csv");
    for (std::size_t i = 1; i < rows.size(); ++i)
        ++expected[{rows[i].fields.at(0), rows[i].fields.at(1)}];

    std::size_t reported = 0;
    ScanOptions options;
    options.progress = [&reported](std::size_t done, std::size_t) { reported = done; };
    const DatasetIndex index = scan(root, options);
    EXPECT_EQ(index.layout, Layout::ClassFolders);
    EXPECT_TRUE(index.rejected.empty());
    EXPECT_EQ(reported, index.samples.size());
    std::map<std::pair<std::string, std::string>, std::size_t> actual;
    for (const Sample &s : index.samples) {
        ++actual[{splitName(s.split), index.classes[static_cast<std::size_t>(s.label)]}];
        EXPECT_GT(s.width, 0);
        EXPECT_LE(std::max(s.width, s.height), 320);
    }
    EXPECT_EQ(actual, expected);
}

} // namespace
} // namespace cxr
