// SPDX-License-Identifier: MIT
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <ATen/core/Tensor.h>

#include "data/dataset_index.h"
#include "data/transforms.h"

namespace cxr {

// A batch ready for the network.
struct Batch {
    std::size_t index = 0;              // batch number within the pass
    at::Tensor images;                  // B x C x S x S, float, normalised
    at::Tensor labels;                  // B, int64
    std::vector<std::size_t> positions; // positions in the pass's sample list
};

// One pass over a list of samples (an epoch's order, or a val/test set),
// cut into batches that worker threads decode, resize, augment and
// normalise ahead of the consumer (at most `threads + 1` batches in
// flight), so the network does not wait for decoding.
//
// Deterministic: batch contents depend only on the sample list, and each
// sample's augmentation on (augmentSeed, its position), never on which
// thread made it. An image that fails to decode is left out of its batch
// and reported through onSkipped (from a worker thread, serialised); the
// pass goes on. next() is called from one consumer thread.
class BatchLoader {
  public:
    struct Options {
        Preprocessing preprocessing;
        std::optional<Augmentation> augmentation; // none: no augmentation
        std::uint64_t augmentSeed = 0;
        int batchSize = 16;
        int threads = 2;
        std::size_t firstBatch = 0; // resume part way through a pass
        std::function<void(const std::filesystem::path &, const std::string &)> onSkipped;
    };

    BatchLoader(const DatasetIndex &index,
                std::vector<std::size_t> samples, // indices into index.samples
                std::vector<int> labels,          // task label per entry of `samples`
                Options options);
    ~BatchLoader(); // stops and joins the workers
    BatchLoader(const BatchLoader &) = delete;
    BatchLoader &operator=(const BatchLoader &) = delete;

    std::size_t batchCount() const { return m_batches; }
    // The next batch in order, or nullopt at the end. A batch whose every
    // image failed comes back with zero rows.
    std::optional<Batch> next();

  private:
    void work();
    Batch build(std::size_t batch);

    const DatasetIndex &m_index;
    const std::vector<std::size_t> m_samples;
    const std::vector<int> m_labels;
    const Options m_options;
    const std::size_t m_batches;
    const std::size_t m_window; // batches built ahead of the consumer, at most

    std::mutex m_mutex; // guards everything below
    std::condition_variable m_changed;
    std::size_t m_nextToBuild;
    std::size_t m_nextToReturn;
    std::map<std::size_t, Batch> m_ready;
    bool m_stop = false;
    std::exception_ptr m_error;
    std::vector<std::thread> m_workers;
};

} // namespace cxr
