// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractListModel>
#include <QImage>
#include <QThreadPool>
#include <list>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "data/dataset_index.h"

namespace cxr::ui {

// The images of a dataset as a filterable list with lazily loaded
// thumbnails. A thumbnail is decoded on a small thread pool the first time
// a view asks for it, then kept in a bounded cache (least recently used
// out), so scrolling through thousands of images stays smooth and memory
// stays flat. Lives on the GUI thread; results come back as queued calls.
class ThumbnailModel : public QAbstractListModel {
    Q_OBJECT
  public:
    static constexpr int kThumbnailSize = 112;
    enum Roles { SampleIndexRole = Qt::UserRole + 1 };

    explicit ThumbnailModel(QObject *parent = nullptr);
    ~ThumbnailModel() override;

    void setIndex(std::shared_ptr<const DatasetIndex> index);
    // label -1 and Split::Unsplit-as-"any" disabled by passing nullopt-likes:
    // anyLabel = -1 shows every class; anySplit = true shows every split.
    void setFilter(int label, bool anySplit, Split split, const QString &text);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    std::size_t sampleAt(int row) const { return m_rows[static_cast<std::size_t>(row)]; }
    bool thumbnailLoaded(int row) const;

  Q_SIGNALS:
    void thumbnailReady(int row);

  private:
    void request(std::size_t sample) const;
    void store(std::size_t sample, const QImage &image, quint64 generation);

    std::shared_ptr<const DatasetIndex> m_index;
    std::vector<std::size_t> m_rows; // filtered sample indices
    std::unordered_map<std::size_t, int> m_rowOf;
    // The cache; mutable because views ask through const data().
    mutable std::unordered_map<std::size_t, QImage> m_cache;
    mutable std::list<std::size_t> m_recent; // most recent at the front
    mutable std::unordered_set<std::size_t> m_pending;
    quint64 m_generation = 0;   // bumped when the dataset changes; stale results are dropped
    mutable int m_requests = 0; // the priority of the next decode: the newest runs first
    QThreadPool m_pool;
    QImage m_placeholder;
};

} // namespace cxr::ui
