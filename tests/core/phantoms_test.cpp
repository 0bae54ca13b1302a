// SPDX-License-Identifier: MIT
#include <cmath>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "data/class_names.h"
#include "data/dataset_scan.h"
#include "data/phantoms.h"
#include "errors.h"
#include "support/test_support.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;

TEST(Phantoms, DeterministicBySeed) {
    for (const std::string &name : fourClassNames()) {
        const PhantomImage a = renderPhantom(name, 96, 7);
        const PhantomImage b = renderPhantom(name, 96, 7);
        const PhantomImage c = renderPhantom(name, 96, 8);
        EXPECT_EQ(cv::norm(a.image, b.image, cv::NORM_INF), 0.0) << name;
        EXPECT_EQ(cv::norm(a.mask, b.mask, cv::NORM_INF), 0.0) << name;
        EXPECT_GT(cv::norm(a.image, c.image, cv::NORM_L1), 0.0) << name;
    }
}

TEST(Phantoms, MasksMarkTheLesionsOnly) {
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        const PhantomImage normal = renderPhantom(kNormal, 128, seed);
        EXPECT_EQ(cv::countNonZero(normal.mask), 0);
        for (const char *lesion : {kBacteria, kVirus, kCovid19}) {
            const PhantomImage p = renderPhantom(lesion, 128, seed);
            ASSERT_EQ(p.mask.size(), p.image.size());
            ASSERT_EQ(p.mask.type(), CV_8UC1);
            const int area = cv::countNonZero(p.mask);
            // A lesion is visible yet far smaller than the image.
            EXPECT_GT(area, 40) << lesion << " seed " << seed;
            EXPECT_LT(area, 128 * 128 / 5) << lesion << " seed " << seed;
        }
    }
}

// The lesion makes its region denser (brighter) than the same region of a
// normal phantom drawn from the same seed, which has identical anatomy.
TEST(Phantoms, LesionsAreDenserThanTheSameLungWithout) {
    for (std::uint64_t seed = 0; seed < 10; ++seed) {
        const PhantomImage normal = renderPhantom(kNormal, 128, seed);
        for (const char *lesion : {kBacteria, kVirus, kCovid19}) {
            const PhantomImage p = renderPhantom(lesion, 128, seed);
            const double inside = cv::mean(p.image, p.mask)[0];
            const double before = cv::mean(normal.image, p.mask)[0];
            EXPECT_GT(inside, before + 10) << lesion << " seed " << seed;
        }
    }
}

// Where a lesion lies (which lungs, how high, how far from the midline) is
// drawn the same way for every lesion class: a zone that told the class
// would be class evidence outside the mask, and the pointing game of
// `cxr explain --masks` would then measure the phantom, not the model.
TEST(Phantoms, LesionPlaceDoesNotTellTheClass) {
    constexpr int kSize = 96, kSeeds = 80;
    struct Place {
        double height = 0;     // mask centroid, fraction of the image height
        double offMidline = 0; // each involved side's centroid, fraction of the width
        double bilateral = 0;  // share of phantoms with lesions in both lungs
    };
    std::vector<Place> places;
    for (const char *lesion : {kBacteria, kVirus, kCovid19}) {
        Place sum;
        int sides = 0;
        for (std::uint64_t seed = 0; seed < kSeeds; ++seed) {
            const cv::Mat mask = renderPhantom(lesion, kSize, seed).mask;
            const cv::Moments whole = cv::moments(mask, true);
            ASSERT_GT(whole.m00, 0) << lesion << " seed " << seed;
            sum.height += whole.m01 / whole.m00 / kSize;
            int involved = 0;
            for (int half = 0; half < 2; ++half) {
                const int x0 = half * kSize / 2;
                const cv::Moments m = cv::moments(mask.colRange(x0, x0 + kSize / 2), true);
                if (m.m00 <= 10)
                    continue;
                ++involved;
                ++sides;
                sum.offMidline += std::abs(x0 + m.m10 / m.m00 - kSize / 2.0) / kSize;
            }
            sum.bilateral += involved == 2;
        }
        places.push_back({sum.height / kSeeds, sum.offMidline / sides, sum.bilateral / kSeeds});
    }
    for (std::size_t a = 0; a < places.size(); ++a)
        for (std::size_t b = a + 1; b < places.size(); ++b) {
            EXPECT_NEAR(places[a].height, places[b].height, 0.04) << a << " vs " << b;
            EXPECT_NEAR(places[a].offMidline, places[b].offMidline, 0.03) << a << " vs " << b;
            EXPECT_NEAR(places[a].bilateral, places[b].bilateral, 0.25) << a << " vs " << b;
        }
}

TEST(Phantoms, RejectsBadArguments) {
    EXPECT_THROW(renderPhantom("CATS", 64, 1), std::invalid_argument);
    EXPECT_THROW(renderPhantom(kNormal, 8, 1), std::invalid_argument);
}

TEST(Phantoms, DatasetHasTheAskedBalanceAndMatchingMasks) {
    test::TempDir dir;
    PhantomOptions options;
    options.trainPerClass = 3;
    options.testPerClass = 2;
    options.size = 64;
    std::size_t lastProgress = 0;
    const std::size_t written = writePhantomDataset(
        dir / "demo", options, [&](std::size_t done, std::size_t) { lastProgress = done; });
    EXPECT_EQ(written, 20u);
    EXPECT_EQ(lastProgress, 20u);

    const DatasetIndex index = scan(dir / "demo");
    EXPECT_EQ(index.layout, Layout::ClassFolders);
    EXPECT_EQ(index.classes, fourClassNames());
    EXPECT_TRUE(index.rejected.empty());
    const auto counts = index.counts();
    for (std::size_t c = 0; c < 4; ++c) {
        EXPECT_EQ(counts[static_cast<std::size_t>(Split::Train)][c], 3u);
        EXPECT_EQ(counts[static_cast<std::size_t>(Split::Test)][c], 2u);
    }
    for (const Sample &s : index.samples) {
        const fs::path mask = dir / "demo" / "masks" / fs::relative(s.path, dir / "demo");
        ASSERT_TRUE(fs::exists(mask)) << mask;
        const cv::Mat m = cv::imread(mask.string(), cv::IMREAD_UNCHANGED);
        EXPECT_EQ(m.size(), cv::Size(s.width, s.height));
        EXPECT_EQ(cv::countNonZero(m) == 0,
                  index.classes[static_cast<std::size_t>(s.label)] == kNormal)
            << s.path;
    }
    EXPECT_NE(test::readFile(dir / "demo" / "README.md").find("SYNTHETIC"), std::string::npos);

    // Writing again over a phantom set is allowed; over user data it is not.
    EXPECT_NO_THROW(writePhantomDataset(dir / "demo", options));
    test::writeFile(dir / "mine" / "precious.txt", "user data");
    EXPECT_THROW(writePhantomDataset(dir / "mine", options), DatasetFormatError);
    EXPECT_EQ(test::readFile(dir / "mine" / "precious.txt"), "user data");
}

} // namespace
} // namespace cxr
