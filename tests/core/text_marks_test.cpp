// SPDX-License-Identifier: MIT
// The text-mark detector on real films: letters burned in where a film had
// none are found; synthetic anatomy (ribs, lungs, heart, no letters) has
// none.
#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "audit/text_marks.h"
#include "data/dataset_scan.h"
#include "data/image_decode.h"
#include "data/phantoms.h"
#include "support/test_support.h"

namespace cxr {
namespace {

// The sample's films on which no mark is found, as 8-bit images.
std::vector<cv::Mat> unmarkedFilms() {
    std::vector<cv::Mat> films;
    for (const Sample &s : scan(test::sharedData() / "cxr-sample").samples) {
        const cv::Mat gray = decodeImage(s.path).pixels;
        if (countTextMarks(gray) == 0) {
            cv::Mat bytes;
            gray.convertTo(bytes, CV_8U, 255.0);
            films.push_back(bytes);
        }
    }
    return films;
}

int marksOf(const cv::Mat &bytes) {
    cv::Mat gray;
    bytes.convertTo(gray, CV_32F, 1.0 / 255.0);
    return countTextMarks(gray);
}

struct Placement {
    const char *name;
    const char *text;
    double x, y;   // of the text's origin, as shares of the width and height
    double height; // of a capital letter, as a share of the image's height
};

class PlantedText : public testing::TestWithParam<Placement> {};

// White letters over bright tissue (the abdomen, a shoulder) do not stand
// out; a film counts as found when at least one mark is found.
TEST_P(PlantedText, IsFoundOnMostFilmsThatHadNone) {
    CXR_REQUIRE_SHARED_DATA("cxr-sample");
    static const std::vector<cv::Mat> films = unmarkedFilms();
    ASSERT_GE(films.size(), 20u) << "the sample should have films without marks";
    const Placement p = GetParam();
    std::size_t found = 0;
    for (std::size_t i = 0; i < films.size(); ++i) {
        cv::Mat marked = films[i].clone();
        test::burnInText(marked, p.text, p.x, p.y, p.height);
        found += marksOf(marked) >= 1;
    }
    EXPECT_GE(static_cast<double>(found) / films.size(), 0.85)
        << found << " of " << films.size() << " films";
}

INSTANTIATE_TEST_SUITE_P(TextMarks,
                         PlantedText,
                         testing::Values(Placement{"LetterTopLeft", "R", 0.04, 0.10, 0.03},
                                         Placement{"WordTopRight", "PORTABLE", 0.70, 0.06, 0.02},
                                         Placement{
                                             "DateBottomLeft", "12/03/2020", 0.03, 0.96, 0.02},
                                         Placement{"LargeLetterRight", "L", 0.90, 0.40, 0.06}),
                         [](const testing::TestParamInfo<Placement> &placement) {
                             return std::string(placement.param.name);
                         });

TEST(TextMarks, SyntheticAnatomyHasNone) {
    for (const char *cls : {"NORMAL", "BACTERIA", "VIRUS", "COVID19"})
        for (std::uint64_t seed = 1; seed <= 10; ++seed)
            for (int size : {256, 1024})
                EXPECT_EQ(marksOf(renderPhantom(cls, size, seed).image), 0)
                    << cls << " seed " << seed << " at " << size;
}

TEST(TextMarks, ASmallImageHasNone) {
    cv::Mat tiny(100, 100, CV_8UC1, cv::Scalar(0));
    test::burnInText(tiny, "R", 0.2, 0.6, 0.3);
    EXPECT_EQ(marksOf(tiny), 0);
}

} // namespace
} // namespace cxr
