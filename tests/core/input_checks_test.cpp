// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "data/image_decode.h"
#include "infer/input_checks.h"
#include "support/test_support.h"

namespace cxr {
namespace {

std::vector<InputConcern> concernsOf(const std::filesystem::path &file, int inputSize = 224) {
    std::vector<InputConcern> out;
    for (const InputCheck &check : checkInput(decodeImage(file), inputSize))
        out.push_back(check.concern);
    return out;
}

TEST(InputChecks, RealRadiographsRaiseNoConcern) {
    CXR_REQUIRE_SHARED_DATA("cxr-sample/test");
    int checked = 0;
    for (const auto &entry :
         std::filesystem::recursive_directory_iterator(test::sharedData() / "cxr-sample/test"))
        if (entry.is_regular_file() && entry.path().extension() != ".csv") {
            EXPECT_TRUE(concernsOf(entry.path()).empty()) << entry.path();
            ++checked;
        }
    EXPECT_GE(checked, 40);
}

TEST(InputChecks, AGreyFilmSavedAsColourJpegIsNotColour) {
    test::TempDir dir;
    cv::Mat grey = test::gradientImage(300, 300);
    cv::Mat bgr;
    cv::cvtColor(grey, bgr, cv::COLOR_GRAY2BGR);
    test::writeImage(dir / "grey.jpg", bgr);
    const DecodedImage image = decodeImage(dir / "grey.jpg");
    EXPECT_LT(image.colourfulness, 0.01);
    EXPECT_TRUE(concernsOf(dir / "grey.jpg").empty());
}

TEST(InputChecks, ColourSmallAndUniformImagesAreNamed) {
    test::TempDir dir;
    cv::Mat photo(300, 300, CV_8UC3);
    for (int y = 0; y < 300; ++y)
        for (int x = 0; x < 300; ++x)
            photo.at<cv::Vec3b>(y, x) = {
                static_cast<uchar>(x * 255 / 299), 120, static_cast<uchar>(255 - y * 255 / 299)};
    test::writeImage(dir / "photo.png", photo);
    EXPECT_EQ(concernsOf(dir / "photo.png"), std::vector<InputConcern>{InputConcern::Colour});

    test::writeImage(dir / "icon.png", test::gradientImage(16, 16));
    const auto small = checkInput(decodeImage(dir / "icon.png"), 224);
    ASSERT_EQ(small.size(), 1u);
    EXPECT_EQ(small[0].concern, InputConcern::TooSmall);
    EXPECT_NE(small[0].message.find("16 x 16"), std::string::npos) << small[0].message;
    // 100 pixels is small for a 224-pixel network, not for a 128-pixel one.
    test::writeImage(dir / "half.png", test::gradientImage(100, 100));
    EXPECT_EQ(concernsOf(dir / "half.png", 224).size(), 1u);
    EXPECT_TRUE(concernsOf(dir / "half.png", 128).empty());

    test::writeImage(dir / "flat.png", cv::Mat(300, 300, CV_8UC1, cv::Scalar(128)));
    EXPECT_EQ(concernsOf(dir / "flat.png"),
              std::vector<InputConcern>{InputConcern::NearlyConstant});
    EXPECT_STREQ(concernName(InputConcern::NearlyConstant), "nearly_constant");
}

} // namespace
} // namespace cxr
