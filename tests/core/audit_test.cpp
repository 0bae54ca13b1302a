// SPDX-License-Identifier: MIT
// The dataset audit on the real sample with planted faults: copies of every
// kind across and within splits, a relabelled copy, patients in two splits,
// a class that differs by size alone, an image unlike the rest.
#include <chrono>
#include <set>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "audit/dataset_audit.h"
#include "audit/duplicates.h"
#include "audit/text_marks.h"
#include "data/dataset_scan.h"
#include "data/image_decode.h"
#include "errors.h"
#include "support/test_support.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;

// The sample copied into `root` (class folders, train and test), as 8-bit
// images in memory so that variants can be planted.
std::vector<std::pair<fs::path, cv::Mat>> copySample(const fs::path &root) {
    std::vector<std::pair<fs::path, cv::Mat>> images;
    const DatasetIndex sample = scan(test::sharedData() / "cxr-sample");
    for (const Sample &s : sample.samples) {
        const fs::path relative = s.path.lexically_relative(sample.root);
        fs::create_directories((root / relative).parent_path());
        fs::copy_file(s.path, root / relative);
        cv::Mat bytes;
        decodeImage(s.path).pixels.convertTo(bytes, CV_8U, 255.0);
        images.push_back({relative, bytes});
    }
    return images;
}

std::string relative(const DatasetIndex &index, std::size_t sample) {
    return index.samples[sample].path.lexically_relative(index.root).generic_string();
}

struct Planted {
    std::string name, file;
    bool acrossSplits, conflicting;
};

TEST(DatasetAudit, FindsEveryPlantedCopyAndNoFalsePair) {
    CXR_REQUIRE_SHARED_DATA("cxr-sample");
    test::TempDir dir;
    const fs::path root = dir / "data";
    const auto images = copySample(root);
    // Originals from train; variants written into test (leakage) or train.
    std::vector<std::size_t> train;
    for (std::size_t i = 0; i < images.size(); ++i)
        if (images[i].first.generic_string().rfind("train/", 0) == 0)
            train.push_back(i);
    ASSERT_EQ(train.size(), 120u);
    auto original = [&](std::size_t k) -> const std::pair<fs::path, cv::Mat> & {
        return images.at(train.at(k));
    };
    std::vector<Planted> planted;
    auto plant = [&](std::size_t k,
                     const std::string &name,
                     const std::string &split,
                     const std::string &cls,
                     const cv::Mat &image,
                     const std::string &ext,
                     bool conflicting) {
        const std::string file = split + "/" + cls + "/planted-" + name + ext;
        fs::create_directories((root / file).parent_path());
        ASSERT_TRUE(cv::imwrite((root / file).string(), image, {cv::IMWRITE_JPEG_QUALITY, 60}));
        const bool across = original(k).first.generic_string().rfind(split + "/", 0) != 0;
        planted.push_back({name, file, across, conflicting});
        (void)k;
    };
    const auto &a = original(0), &b = original(20), &c = original(40), &d = original(60),
               &e = original(80), &f = original(100);
    ASSERT_EQ(a.first.generic_string().rfind("train/", 0), 0u) << a.first;
    const std::string classOf = a.first.parent_path().filename().string();
    plant(0, "exact", "test", classOf, a.second, ".png", false);
    cv::Mat half;
    cv::resize(b.second, half, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
    plant(20,
          "resized-jpeg",
          "train",
          b.first.parent_path().filename().string(),
          half,
          ".jpg",
          false);
    const int dx = c.second.cols * 3 / 100, dy = c.second.rows * 3 / 100;
    plant(40,
          "cropped",
          "test",
          c.first.parent_path().filename().string(),
          c.second(cv::Rect(dx, dy, c.second.cols - 2 * dx, c.second.rows - 2 * dy)).clone(),
          ".png",
          false);
    // A crop from one corner shifts the film as well as scaling it.
    const auto &corner = original(50);
    const int cx = corner.second.cols * 4 / 100, cy = corner.second.rows * 4 / 100;
    plant(50,
          "corner-cropped",
          "test",
          corner.first.parent_path().filename().string(),
          corner.second(cv::Rect(cx, cy, corner.second.cols - cx, corner.second.rows - cy)).clone(),
          ".png",
          false);
    cv::Mat bright;
    d.second.convertTo(bright, CV_8U, 1.2, 20);
    plant(60, "brighter", "test", d.first.parent_path().filename().string(), bright, ".png", false);
    cv::Mat marked = e.second.clone();
    test::burnInText(marked, "L PORTABLE", 0.05, 0.1, 0.03);
    plant(80, "marker", "train", e.first.parent_path().filename().string(), marked, ".png", false);
    const std::string otherClass =
        f.first.parent_path().filename().string() == "NORMAL" ? "COVID19" : "NORMAL";
    plant(100, "relabelled", f.first.begin()->string(), otherClass, f.second, ".png", true);

    const DatasetIndex index = scan(root);
    ASSERT_EQ(index.samples.size(), 167u);
    const DatasetAudit audit = auditDataset(index);
    EXPECT_EQ(audit.images, 167u);
    EXPECT_TRUE(audit.unreadable.empty());
    // Exactly the planted groups: no pair among the sample's own films.
    ASSERT_EQ(audit.duplicates.size(), planted.size());
    for (const Planted &p : planted) {
        SCOPED_TRACE(p.name);
        const auto group = std::find_if(
            audit.duplicates.begin(), audit.duplicates.end(), [&](const AuditDuplicate &g) {
                return std::any_of(g.samples.begin(), g.samples.end(), [&](std::size_t m) {
                    return relative(index, m) == p.file;
                });
            });
        ASSERT_NE(group, audit.duplicates.end()) << p.file << " was not found";
        EXPECT_EQ(group->samples.size(), 2u);
        EXPECT_EQ(group->exact, p.name == "exact" || p.name == "relabelled");
        EXPECT_EQ(group->acrossSplits, p.acrossSplits);
        EXPECT_EQ(group->conflictingLabels, p.conflicting);
    }
    // The exclusions keep the training copy and drop both relabelled films.
    const std::vector<std::string> excluded = auditExclusions(index, audit);
    EXPECT_EQ(excluded.size(), planted.size() + 1);
    for (const Planted &p : planted)
        EXPECT_NE(std::find(excluded.begin(), excluded.end(), p.file), excluded.end()) << p.file;
    EXPECT_NE(std::find(excluded.begin(), excluded.end(), f.first.generic_string()),
              excluded.end());
    EXPECT_EQ(std::find(excluded.begin(), excluded.end(), a.first.generic_string()),
              excluded.end());
}

TEST(DatasetAudit, ListsPatientsInSeveralSplitsOfAKermanyLayout) {
    test::TempDir dir;
    const fs::path root = dir / "chest_xray";
    test::writeImage(root / "train/PNEUMONIA/person1_bacteria_1.jpeg",
                     test::gradientImage(200, 180));
    test::writeImage(root / "test/PNEUMONIA/person1_virus_7.jpeg", test::gradientImage(190, 200));
    test::writeImage(root / "train/PNEUMONIA/person2_bacteria_3.jpeg",
                     test::gradientImage(210, 200));
    test::writeImage(root / "train/NORMAL/IM-0001-0001.jpeg", test::gradientImage(220, 200));
    test::writeImage(root / "test/NORMAL/IM-0002-0001.jpeg", test::gradientImage(230, 200));
    const DatasetIndex index = scan(root);
    const DatasetAudit audit = auditDataset(index);
    ASSERT_EQ(audit.patients.size(), 1u);
    EXPECT_EQ(audit.patients[0].patient, "person1");
    EXPECT_EQ(audit.patients[0].splits, (std::vector<Split>{Split::Train, Split::Test}));
    EXPECT_EQ(audit.patients[0].samples.size(), 2u);
    const std::vector<std::string> excluded = auditExclusions(index, audit);
    EXPECT_NE(std::find(excluded.begin(), excluded.end(), "test/PNEUMONIA/person1_virus_7.jpeg"),
              excluded.end());
    EXPECT_EQ(
        std::find(excluded.begin(), excluded.end(), "train/PNEUMONIA/person1_bacteria_1.jpeg"),
        excluded.end());
}

// Two classes of the sample's films at one size: the size tells nothing.
// The same with one class enlarged: the size alone tells the class.
TEST(DatasetAudit, TheShortcutScoreSeesAClassThatDiffersBySize) {
    CXR_REQUIRE_SHARED_DATA("cxr-sample");
    const DatasetIndex sample = scan(test::sharedData() / "cxr-sample");
    auto build = [&](const fs::path &root, int covidSide) {
        for (const Sample &s : sample.samples) {
            const std::string cls = sample.classes[static_cast<std::size_t>(s.label)];
            if (cls != "NORMAL" && cls != "COVID19")
                continue;
            cv::Mat bytes, sized;
            decodeImage(s.path).pixels.convertTo(bytes, CV_8U, 255.0);
            const int side = cls == "COVID19" ? covidSide : 256;
            cv::resize(bytes, sized, cv::Size(side, side), 0, 0, cv::INTER_AREA);
            test::writeImage(root / s.path.lexically_relative(sample.root), sized);
        }
        return auditDataset(scan(root)).shortcut;
    };
    test::TempDir dir;
    const ShortcutReport same = build(dir / "same", 256);
    ASSERT_EQ(same.groups.size(), 6u);
    EXPECT_DOUBLE_EQ(same.chance, 0.5);
    EXPECT_EQ(same.groups[0].name, "image size");
    EXPECT_NEAR(same.groups[0].balancedAccuracy, 0.5, 0.05);
    const ShortcutReport sized = build(dir / "sized", 320);
    EXPECT_GE(sized.groups[0].balancedAccuracy, 0.95);
    EXPECT_NE(sized.warning.find("image size alone"), std::string::npos) << sized.warning;
}

// The sample's films without marks, split in two classes by position: one
// class carries a burned-in "R". Only the text marks tell the classes.
TEST(DatasetAudit, TheShortcutScoreSeesAClassThatCarriesALetter) {
    CXR_REQUIRE_SHARED_DATA("cxr-sample");
    test::TempDir dir;
    int unmarked = 0;
    for (const Sample &s : scan(test::sharedData() / "cxr-sample").samples) {
        const cv::Mat gray = decodeImage(s.path).pixels;
        if (countTextMarks(gray) > 0)
            continue;
        cv::Mat bytes;
        gray.convertTo(bytes, CV_8U, 255.0);
        const bool marked = unmarked++ % 2 == 0;
        if (marked)
            test::burnInText(bytes, "R", 0.04, 0.12, 0.04);
        test::writeImage(dir / "train" / (marked ? "MARKED" : "PLAIN") / s.path.filename(), bytes);
    }
    ASSERT_GE(unmarked, 40);
    const DatasetAudit audit = auditDataset(scan(dir / "."));
    ASSERT_EQ(audit.classes.size(), 2u);
    for (const ClassProperties &c : audit.classes)
        EXPECT_NEAR(c.textMarkShare, c.className == "MARKED" ? 1.0 : 0.0, 0.15) << c.className;
    const auto group = std::find_if(audit.shortcut.groups.begin(),
                                    audit.shortcut.groups.end(),
                                    [](const ShortcutGroup &g) { return g.name == "text marks"; });
    ASSERT_NE(group, audit.shortcut.groups.end());
    EXPECT_GE(group->balancedAccuracy, 0.85);
    EXPECT_NEAR(audit.shortcut.groups[0].balancedAccuracy, 0.5, 0.2); // image size
    EXPECT_NE(audit.shortcut.warning.find("text marks alone"), std::string::npos)
        << audit.shortcut.warning;
}

// An image unlike chest films (a flat grey card with a gradient) among the
// sample's films is the top outlier; the films themselves are not flagged.
TEST(DatasetAudit, AnImageUnlikeTheRestIsTheTopOutlier) {
    CXR_REQUIRE_SHARED_DATA("cxr-sample");
    test::TempDir dir;
    copySample(dir / "data");
    cv::Mat card(400, 600, CV_8UC1, cv::Scalar(200));
    cv::rectangle(card, cv::Rect(50, 50, 500, 120), cv::Scalar(30), cv::FILLED);
    test::writeImage(dir / "data/train/NORMAL/not-a-chest.png", card);
    const DatasetIndex index = scan(dir / "data");
    const DatasetAudit audit = auditDataset(index);
    ASSERT_FALSE(audit.outliers.empty());
    EXPECT_EQ(relative(index, audit.outliers[0].sample), "train/NORMAL/not-a-chest.png");
    EXPECT_LE(audit.outliers.size(), 5u);
}

// A second audit reads what the first measured of unchanged files and finds
// the same; a changed file is measured again; a damaged cache is ignored.
TEST(DatasetAudit, ASecondAuditReusesTheSurveysOfUnchangedFiles) {
    CXR_REQUIRE_SHARED_DATA("cxr-sample");
    test::TempDir dir;
    const auto images = copySample(dir / "data");
    fs::copy_file(dir / "data" / images[0].first, dir / "data/test/NORMAL/copy.png");
    const DatasetIndex index = scan(dir / "data");
    AuditOptions options;
    options.cacheFolder = dir / "cache";
    const DatasetAudit first = auditDataset(index, options);
    EXPECT_EQ(first.fromCache, 0u);
    const DatasetAudit second = auditDataset(index, options);
    EXPECT_EQ(second.fromCache, index.samples.size());
    ASSERT_EQ(second.duplicates.size(), first.duplicates.size());
    EXPECT_EQ(second.duplicates[0].samples, first.duplicates[0].samples);
    EXPECT_NEAR(
        second.shortcut.all().balancedAccuracy, first.shortcut.all().balancedAccuracy, 0.02);

    cv::Mat changed = images[5].second.clone();
    changed.col(3) = cv::Scalar(255);
    test::writeImage(dir / "data" / images[5].first, changed);
    fs::last_write_time(dir / "data" / images[5].first,
                        fs::last_write_time(dir / "data" / images[5].first) +
                            std::chrono::seconds(5));
    EXPECT_EQ(auditDataset(index, options).fromCache, index.samples.size() - 1);

    for (const auto &entry : fs::directory_iterator(dir / "cache"))
        test::writeFile(entry.path(), test::readFile(entry.path()).substr(0, 100));
    const DatasetAudit damaged = auditDataset(index, options);
    EXPECT_EQ(damaged.fromCache, 0u);
    EXPECT_EQ(damaged.duplicates.size(), first.duplicates.size());
}

TEST(DatasetAudit, ExclusionsFileRoundTripsAndUnreadableImagesAreListed) {
    test::TempDir dir;
    DatasetIndex index;
    index.root = dir / "data";
    index.classes = {"A"};
    test::writeFile(dir / "data/A/broken.png", "not a png");
    index.samples.push_back({dir / "data/A/broken.png", 0, Split::Train, "", 0, 0});
    const DatasetAudit audit = auditDataset(index);
    ASSERT_EQ(audit.unreadable.size(), 1u);
    EXPECT_EQ(audit.unreadable[0].path, dir / "data/A/broken.png");
    EXPECT_FALSE(audit.unreadable[0].reason.empty());

    const std::vector<std::string> paths = {"A/one.png", "B/two, with comma.png"};
    test::writeFile(dir / "exclusions.txt", exclusionsFileText(index, paths));
    EXPECT_EQ(readExclusionsFile(dir / "exclusions.txt"), paths);
    EXPECT_THROW(readExclusionsFile(dir / "missing.txt"), Error);
}

// Comparing the candidate pairs of a large dataset takes seconds: a cancel
// stops it. The same surveys without a cancel are compared to the end.
TEST(DatasetAudit, ACancelStopsTheComparisonOfPairs) {
    cv::RNG random(5);
    std::vector<ImageSurvey> surveys(40);
    for (ImageSurvey &s : surveys) {
        s.detail.resize(static_cast<std::size_t>(kDetailScales * kDetailLength));
        for (float &v : s.detail)
            v = static_cast<float>(random.gaussian(1.0));
        s.exact = random.next();
    }
    std::vector<const ImageSurvey *> all;
    for (const ImageSurvey &s : surveys)
        all.push_back(&s);
    CancelToken cancel;
    EXPECT_TRUE(findDuplicates(all, {}, &cancel).empty()); // noise: no two alike
    cancel.cancel();
    EXPECT_THROW(findDuplicates(all, {}, &cancel), Cancelled);
}

} // namespace
} // namespace cxr
