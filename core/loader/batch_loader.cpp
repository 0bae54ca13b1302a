// SPDX-License-Identifier: MIT
#include "loader/batch_loader.h"

#include <cstring>

#include <ATen/ops/empty.h>
#include <ATen/ops/tensor.h>
#include <opencv2/core/utility.hpp>

#include "data/image_decode.h"
#include "errors.h"

namespace cxr {

BatchLoader::BatchLoader(const DatasetIndex &index,
                         std::vector<std::size_t> samples,
                         std::vector<int> labels,
                         Options options)
    : m_index(index), m_samples(std::move(samples)), m_labels(std::move(labels)),
      m_options(std::move(options)),
      m_batches((m_samples.size() + static_cast<std::size_t>(m_options.batchSize) - 1) /
                static_cast<std::size_t>(m_options.batchSize)),
      m_window(static_cast<std::size_t>(std::max(1, m_options.threads)) + 1),
      m_nextToBuild(m_options.firstBatch), m_nextToReturn(m_options.firstBatch) {
    // The loader's own threads are the parallelism: OpenCV spawning more
    // per resize or rotation only oversubscribes the cores.
    cv::setNumThreads(1);
    for (int t = 0; t < std::max(1, m_options.threads); ++t)
        m_workers.emplace_back([this] { work(); });
}

BatchLoader::~BatchLoader() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_changed.notify_all();
    for (std::thread &worker : m_workers)
        worker.join();
}

void BatchLoader::work() {
    while (true) {
        std::size_t batch;
        {
            std::unique_lock lock(m_mutex);
            // Stay at most m_window batches ahead of the consumer: bounded memory.
            m_changed.wait(lock, [&] {
                return m_stop || m_nextToBuild >= m_batches ||
                       m_nextToBuild < m_nextToReturn + m_window;
            });
            if (m_stop || m_nextToBuild >= m_batches)
                return;
            batch = m_nextToBuild++;
        }
        try {
            Batch built = build(batch);
            std::lock_guard lock(m_mutex);
            m_ready.emplace(batch, std::move(built));
        } catch (...) {
            std::lock_guard lock(m_mutex);
            if (!m_error)
                m_error = std::current_exception();
        }
        m_changed.notify_all();
    }
}

Batch BatchLoader::build(std::size_t batch) {
    const Preprocessing &p = m_options.preprocessing;
    const std::size_t begin = batch * static_cast<std::size_t>(m_options.batchSize);
    const std::size_t end =
        std::min(m_samples.size(), begin + static_cast<std::size_t>(m_options.batchSize));
    const std::size_t plane = static_cast<std::size_t>(p.channels) *
                              static_cast<std::size_t>(p.imageSize) *
                              static_cast<std::size_t>(p.imageSize);
    // Pixels go straight into the batch tensor: no staging buffer to fill,
    // copy and fault in for every batch.
    at::Tensor images =
        at::empty({static_cast<int64_t>(end - begin), p.channels, p.imageSize, p.imageSize});
    float *pixels = images.data_ptr<float>();
    Batch out;
    out.index = batch;
    std::vector<int64_t> labels;
    for (std::size_t position = begin; position < end; ++position) {
        const Sample &sample = m_index.samples[m_samples[position]];
        cv::Mat image;
        try {
            image = resizeSquare(decodeImage(sample.path).pixels, p.imageSize);
        } catch (const ImageLoadError &e) {
            if (m_options.onSkipped) {
                std::lock_guard lock(m_mutex);
                m_options.onSkipped(sample.path, e.reason());
            }
            continue;
        }
        if (m_options.augmentation)
            image = applyAugmentation(image,
                                      drawAugmentation(*m_options.augmentation,
                                                       mixSeed(m_options.augmentSeed, position)));
        writeNormalisedChw(image, p, pixels + labels.size() * plane);
        labels.push_back(m_labels[position]);
        out.positions.push_back(position);
    }
    const auto rows = static_cast<int64_t>(labels.size());
    // Skipped images leave unused rows at the end; drop them (rare).
    out.images = rows == images.size(0) ? images : images.narrow(0, 0, rows).clone();
    out.labels = at::tensor(labels, at::kLong);
    return out;
}

std::optional<Batch> BatchLoader::next() {
    std::unique_lock lock(m_mutex);
    if (m_nextToReturn >= m_batches)
        return std::nullopt;
    m_changed.wait(lock, [&] { return m_error || m_ready.count(m_nextToReturn) > 0; });
    if (m_error)
        std::rethrow_exception(m_error);
    auto node = m_ready.extract(m_nextToReturn++);
    lock.unlock();
    m_changed.notify_all(); // a worker may build further ahead now
    return std::move(node.mapped());
}

} // namespace cxr
