// SPDX-License-Identifier: MIT
#include <numeric>
#include <thread>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "errors.h"
#include "infer/classifier.h"
#include "models/checkpoint.h"
#include "support/test_support.h"

namespace cxr {
namespace {

std::filesystem::path writeModel(const test::TempDir &dir) {
    torch::manual_seed(11);
    Network network = makeNetwork(Architecture::ResNet50, 3);
    Preprocessing p;
    p.imageSize = 64;
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
