// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>
#include <torch/types.h>

#include "data/dataset_index.h"
#include "data/image_decode.h"
#include "loader/batch_loader.h"
#include "support/test_support.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;

// Seven small images (one of them corrupt) in a two-class index.
DatasetIndex smallIndex(const test::TempDir &dir) {
    DatasetIndex index;
    index.root = dir.path();
    index.classes = {"NORMAL", "VIRUS"};
    for (int i = 0; i < 7; ++i) {
        const fs::path file = dir / ("image" + std::to_string(i) + ".png");
        if (i == 4)
            test::writeFile(file, "not a png");
        else
            test::writeImage(file, test::gradientImage(30 + i, 20 + 2 * i));
        Sample sample;
        sample.path = file;
        sample.label = i % 2;
        index.samples.push_back(sample);
    }
    return index;
}

// Each row is exactly decode -> resize -> augmentation(seed, position) ->
// normalise; the corrupt image is reported and left out of its batch, and
// the same pass on 1 or 3 threads gives the same tensors.
TEST(BatchLoader, BatchesAreTheTransformsOfTheirSamples) {
    test::TempDir dir;
    const DatasetIndex index = smallIndex(dir);
    const std::vector<std::size_t> order = {6, 4, 0, 3, 5, 1, 2};
    std::vector<int> labels;
    for (std::size_t i : order)
        labels.push_back(index.samples[i].label);

    std::vector<at::Tensor> previous;
    for (int threads : {1, 3}) {
        BatchLoader::Options options;
        options.preprocessing.imageSize = 24;
        options.augmentation = Augmentation{};
        options.augmentSeed = 11;
        options.batchSize = 3;
        options.threads = threads;
        std::vector<fs::path> skipped;
        options.onSkipped = [&](const fs::path &file, const std::string &) {
            skipped.push_back(file);
        };
        BatchLoader loader(index, order, labels, options);
        ASSERT_EQ(loader.batchCount(), 3u);
        std::vector<at::Tensor> tensors;
        while (auto batch = loader.next()) {
            ASSERT_EQ(batch->images.size(0), static_cast<int64_t>(batch->positions.size()));
            ASSERT_EQ(batch->labels.size(0), batch->images.size(0));
            for (std::size_t row = 0; row < batch->positions.size(); ++row) {
                const std::size_t position = batch->positions[row];
                const Sample &sample = index.samples[order[position]];
                const cv::Mat expected = applyAugmentation(
                    resizeSquare(decodeImage(sample.path).pixels, 24),
                    drawAugmentation(*options.augmentation, mixSeed(11, position)));
                at::Tensor want = torch::empty({3, 24, 24});
                writeNormalisedChw(expected, options.preprocessing, want.data_ptr<float>());
                EXPECT_TRUE(batch->images[static_cast<int64_t>(row)].equal(want))
                    << "position " << position;
                EXPECT_EQ(batch->labels[static_cast<int64_t>(row)].item<int64_t>(),
                          labels[position]);
            }
            tensors.push_back(batch->images);
        }
        ASSERT_EQ(skipped.size(), 1u);
        EXPECT_EQ(skipped[0].filename(), "image4.png");
        ASSERT_EQ(tensors.size(), 3u);
        EXPECT_EQ(tensors[0].size(0), 2); // 6, (4 skipped), 0
        EXPECT_TRUE(tensors[0].is_contiguous());
        for (std::size_t b = 0; b < previous.size(); ++b) {
            EXPECT_TRUE(tensors[b].equal(previous[b])) << "batch " << b;
        }
        previous = tensors;
    }
}

} // namespace
} // namespace cxr
