// SPDX-License-Identifier: MIT
#include <numeric>
#include <thread>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/types.h>

#include "errors.h"
#include "eval/calibration.h"
#include "infer/classifier.h"
#include "support/test_support.h"
#include "weights/checkpoint.h"

namespace cxr {
namespace {

std::filesystem::path writeModel(const test::TempDir &dir, int imageSize = 64) {
    torch::manual_seed(11);
    Network network = makeNetwork(Architecture::ResNet50, 3);
    Preprocessing p;
    p.imageSize = imageSize;
    saveCheckpoint(dir / "m.pt", makeCheckpoint(*network, {"A", "B", "C"}, p));
    return dir / "m.pt";
}

TEST(Classifier, PredictsProbabilitiesWithTheStoredPreprocessing) {
    test::TempDir dir;
    const Classifier classifier = Classifier::load(writeModel(dir));
    EXPECT_EQ(classifier.classes(), (std::vector<std::string>{"A", "B", "C"}));
    EXPECT_EQ(classifier.preprocessing().imageSize, 64);
    EXPECT_EQ(classifier.architecture(), "resnet50");

    test::writeImage(dir / "x.png", test::gradientImage(100, 80));
    const Prediction p = classifier.predictFile(dir / "x.png");
    ASSERT_EQ(p.probabilities.size(), 3u);
    EXPECT_NEAR(std::accumulate(p.probabilities.begin(), p.probabilities.end(), 0.0), 1.0, 1e-5);
    EXPECT_EQ(p.label,
              static_cast<int>(std::max_element(p.probabilities.begin(), p.probabilities.end()) -
                               p.probabilities.begin()));
    // Same image at another size gives a close answer (it is resized first);
    // the same image again gives exactly the same answer.
    const Prediction again = classifier.predictFile(dir / "x.png");
    EXPECT_EQ(again.probabilities, p.probabilities);
}

// A random image made symmetric by mirroring it left-right and, with
// `upDown`, also up-down: 120 x 90 or 120 x 120.
cv::Mat symmetricImage(bool upDown) {
    cv::Mat quarter(upDown ? 60 : 90, 60, CV_32FC1);
    cv::randu(quarter, 0.0, 1.0);
    cv::Mat mirrored, half, image;
    cv::flip(quarter, mirrored, 1);
    cv::hconcat(quarter, mirrored, half);
    if (!upDown)
        return half;
    cv::flip(half, mirrored, 0);
    cv::vconcat(half, mirrored, image);
    return image;
}

// Distance between a heatmap and its flip by `cvCode` (OpenCV's convention).
double asymmetry(const cv::Mat &heatmap, int cvCode) {
    cv::Mat flipped;
    cv::flip(heatmap, flipped, cvCode);
    return cv::norm(heatmap, flipped, cv::NORM_INF);
}

// Smoothing averages the heatmaps of the image and of its flipped copies,
// so the smoothed heatmap of an image with the same symmetry is symmetric
// too. That holds only if each heatmap is flipped back on the image, where
// the cells really are, and not as a map (ResNet50's cell grid is not
// centred on the input).
// A model with a stored temperature gives softmax(logits / T): the same
// prediction as without, with the probabilities the temperature implies.
TEST(Classifier, AppliesTheModelsTemperature) {
    test::TempDir dir;
    const auto plainFile = writeModel(dir);
    Checkpoint calibrated = loadCheckpoint(plainFile);
    Calibration c;
    c.temperature = 2.5;
    c.fittedOn = "val";
    calibrated.metadataJson = withCalibration(calibrated.metadataJson, c);
    saveCheckpoint(dir / "calibrated.pt", calibrated);

    const Classifier plain = Classifier::load(plainFile);
    const Classifier scaled = Classifier::load(dir / "calibrated.pt");
    EXPECT_DOUBLE_EQ(plain.temperature(), 1.0);
    EXPECT_DOUBLE_EQ(scaled.temperature(), 2.5);
    test::writeImage(dir / "x.png", test::gradientImage(100, 80));
    const Prediction a = plain.predictFile(dir / "x.png");
    const Prediction b = scaled.predictFile(dir / "x.png");
    EXPECT_EQ(a.label, b.label);
    const std::vector<float> expected = applyTemperature(a.probabilities, 3, 2.5);
    for (std::size_t k = 0; k < 3; ++k)
        EXPECT_NEAR(b.probabilities[k], expected[k], 1e-4);
    cv::Mat gray;
    test::gradientImage(100, 80).convertTo(gray, CV_32F, 1.0 / 255.0);
    const Explanation e = scaled.explain(gray);
    EXPECT_EQ(e.prediction.label, b.label);
}

TEST(Classifier, SmoothedHeatmapsKeepTheImagesSymmetry) {
    test::TempDir dir;
    // 160 px: a 5 x 5 map. (With 2 x 2 the average of a ramp and its mirror
    // is flat, which would hide a wrongly mirrored map.)
    const Classifier classifier = Classifier::load(writeModel(dir, 160));
    for (const CamSmoothing smoothing : {CamSmoothing{Smoothing::Mirror, 1},
                                         CamSmoothing{Smoothing::Flips, 1},
                                         CamSmoothing{Smoothing::Flips, 2},
                                         CamSmoothing{Smoothing::Mirror, 3}}) {
        SCOPED_TRACE(std::string(smoothingName(smoothing.flips)) + " with shifts " +
                     std::to_string(smoothing.shifts));
        const cv::Mat image = symmetricImage(smoothing.flips == Smoothing::Flips);
        const Explanation e =
            classifier.explain(image, std::nullopt, CamMethod::GradCam, smoothing);
        ASSERT_EQ(e.heatmap.size(), image.size());
        double low = 0, high = 0;
        cv::minMaxLoc(e.heatmap, &low, &high);
        ASSERT_GT(high, 0.0) << "an all-zero heatmap would make the check vacuous";
        EXPECT_GE(low, 0.0);
        EXPECT_LE(high, 1.0 + 1e-6);
        EXPECT_LT(asymmetry(e.heatmap, 1), 0.02);
        if (smoothing.flips == Smoothing::Flips) {
            EXPECT_LT(asymmetry(e.heatmap, 0), 0.02);
            // Not symmetric by accident: the unsmoothed map of the same image is not.
            const Explanation plain = classifier.explain(image, std::nullopt, CamMethod::GradCam);
            EXPECT_GT(std::max(asymmetry(plain.heatmap, 0), asymmetry(plain.heatmap, 1)), 0.05);
        }
    }
}

// The content moved by `shift` pixels, edges repeated (as a shifted view).
cv::Mat moved(const cv::Mat &image, cv::Point shift) {
    cv::Mat out;
    cv::warpAffine(image,
                   out,
                   cv::Matx23d(1, 0, shift.x, 0, 1, shift.y),
                   image.size(),
                   cv::INTER_NEAREST,
                   cv::BORDER_REPLICATE);
    return out;
}

// A smoothed heatmap is the average of its views: the image flipped, then
// moved by -8 and +8 px (at stride 32) in each axis, each view's map moved
// back and flipped back onto the image. Rebuilt here from plain
// explanations of flipped and moved images, on an image the network sees at
// its own size: the two must agree away from the borders, which a map laid
// back the wrong way (16 px off) or not at all (8 px off), or views made
// from an image flipped in place, would not.
TEST(Classifier, SmoothedMapIsTheAverageOfItsViews) {
    test::TempDir dir;
    const Classifier classifier = Classifier::load(writeModel(dir, 160));
    // An asymmetric image with strong content: the maps of a random network
    // otherwise depend more on the position in the frame than on the image,
    // and a view made from the wrong flip would go unnoticed.
    cv::Mat image(160, 160, CV_32FC1);
    cv::randu(image, 0.0, 0.3);
    cv::circle(image, {52, 40}, 18, cv::Scalar(1.0), cv::FILLED);
    cv::rectangle(image, cv::Rect(100, 96, 30, 44), cv::Scalar(0.8), cv::FILLED);
    cv::GaussianBlur(image, image, cv::Size(0, 0), 2.0);
    const cv::Mat original = image.clone();
    const cv::Rect inside(16, 16, 128, 128);
    for (const CamSmoothing smoothing : {CamSmoothing{Smoothing::None, 2},
                                         CamSmoothing{Smoothing::Flips, 1},
                                         CamSmoothing{Smoothing::Flips, 2}}) {
        SCOPED_TRACE(std::string(smoothingName(smoothing.flips)) + " with shifts " +
                     std::to_string(smoothing.shifts));
        const Explanation smoothed = classifier.explain(image, 1, CamMethod::GradCam, smoothing);
        EXPECT_EQ(cv::norm(image, original, cv::NORM_INF), 0.0) << "the caller's image changed";
        const std::vector<int> flips = smoothing.flips == Smoothing::Flips
                                           ? std::vector<int>{2, 1, 0, -1}
                                           : std::vector<int>{2};
        const std::vector<int> offsets =
            smoothing.shifts == 2 ? std::vector<int>{-8, 8} : std::vector<int>{0};
        cv::Mat rebuilt = cv::Mat::zeros(image.size(), CV_32F);
        for (int flip : flips) { // 2: not flipped
            cv::Mat view = image.clone();
            if (flip != 2)
                cv::flip(image, view, flip);
            for (int dy : offsets)
                for (int dx : offsets) {
                    cv::Mat map =
                        moved(classifier.explain(moved(view, {dx, dy}), 1).heatmap, {-dx, -dy});
                    if (flip != 2)
                        cv::flip(map, map, flip);
                    rebuilt += map;
                }
        }
        double peak = 0;
        cv::minMaxLoc(rebuilt, nullptr, &peak);
        ASSERT_GT(peak, 0.0);
        rebuilt /= peak;
        EXPECT_LT(cv::norm(smoothed.heatmap(inside), rebuilt(inside), cv::NORM_INF), 0.02);
        // And the views matter: the plain map of the same image is not this one.
        const Explanation plain = classifier.explain(image, 1);
        EXPECT_GT(cv::norm(plain.heatmap(inside), rebuilt(inside), cv::NORM_INF), 0.1);
    }
    EXPECT_THROW(classifier.explain(image, 1, CamMethod::GradCam, CamSmoothing{Smoothing::None, 0}),
                 std::invalid_argument);
}

TEST(Classifier, SafeFromSeveralThreads) {
    test::TempDir dir;
    const Classifier classifier = Classifier::load(writeModel(dir));
    const cv::Mat image(64, 64, CV_32FC1, cv::Scalar(0.5));
    const Prediction expected = classifier.predict(image);
    std::vector<std::thread> threads;
    std::vector<Prediction> results(4);
    for (std::size_t t = 0; t < results.size(); ++t)
        threads.emplace_back(
            [&classifier, &image, &results, t] { results[t] = classifier.predict(image); });
    for (auto &thread : threads)
        thread.join();
    for (const auto &r : results)
        EXPECT_EQ(r.probabilities, expected.probabilities);
}

TEST(Classifier, BadInputsAreClearErrors) {
    test::TempDir dir;
    const Classifier classifier = Classifier::load(writeModel(dir));
    test::writeFile(dir / "bad.png", "nope");
    EXPECT_THROW(classifier.predictFile(dir / "bad.png"), ImageLoadError);
    EXPECT_THROW(Classifier::load(dir / "bad.png"), ModelError);
    EXPECT_THROW(Classifier::load(dir / "absent.pt"), ModelError);
}

} // namespace
} // namespace cxr
