// SPDX-License-Identifier: MIT
#include "thumbnail_model.h"

#include <QRunnable>

#include "gray_image.h"
#include "thumbnail_cache.h"

namespace cxr::ui {
namespace {

constexpr std::size_t kCacheSize = 1500; // ~1500 x 112 x 112 bytes: under 20 MB

} // namespace

ThumbnailModel::ThumbnailModel(QObject *parent)
    : QAbstractListModel(parent),
      m_placeholder(kThumbnailSize, kThumbnailSize, QImage::Format_RGB32) {
    m_placeholder.fill(QColor(40, 40, 40));
    m_pool.setMaxThreadCount(2);
}

ThumbnailModel::~ThumbnailModel() {
    m_pool.clear();
    m_pool.waitForDone();
}

void ThumbnailModel::setIndex(std::shared_ptr<const DatasetIndex> index) {
    beginResetModel();
    m_pool.clear(); // queued, not yet started decodes are dropped
    ++m_generation;
    m_index = std::move(index);
    m_cache.clear();
    m_recent.clear();
    m_pending.clear();
    m_rows.clear();
    m_rowOf.clear();
    if (m_index)
        for (std::size_t i = 0; i < m_index->samples.size(); ++i) {
            m_rowOf[i] = static_cast<int>(m_rows.size());
            m_rows.push_back(i);
        }
    endResetModel();
}

void ThumbnailModel::setFilter(int label, bool anySplit, Split split, const QString &text) {
    beginResetModel();
    m_rows.clear();
    m_rowOf.clear();
    if (m_index)
        for (std::size_t i = 0; i < m_index->samples.size(); ++i) {
            const Sample &s = m_index->samples[i];
            if (label >= 0 && s.label != label)
                continue;
            if (!anySplit && s.split != split)
                continue;
            if (!text.isEmpty() && !QString::fromStdString(s.path.filename().string())
                                        .contains(text, Qt::CaseInsensitive))
                continue;
            m_rowOf[i] = static_cast<int>(m_rows.size());
            m_rows.push_back(i);
        }
    endResetModel();
}

int ThumbnailModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

bool ThumbnailModel::thumbnailLoaded(int row) const {
    return m_cache.count(m_rows[static_cast<std::size_t>(row)]) > 0;
}

QVariant ThumbnailModel::data(const QModelIndex &index, int role) const {
    if (!m_index || !index.isValid() || index.row() >= static_cast<int>(m_rows.size()))
        return {};
    const std::size_t sample = m_rows[static_cast<std::size_t>(index.row())];
    const Sample &s = m_index->samples[sample];
    switch (role) {
    case Qt::DisplayRole:
        return QString::fromStdString(s.path.filename().string());
    case Qt::ToolTipRole:
        return QStringLiteral("%1\n%2, %3")
            .arg(QString::fromStdString(s.path.string()),
                 QString::fromStdString(m_index->classes[static_cast<std::size_t>(s.label)]),
                 QString::fromLatin1(splitName(s.split)));
    case SampleIndexRole:
        return QVariant::fromValue<qulonglong>(sample);
    case Qt::DecorationRole: {
        const auto it = m_cache.find(sample);
        if (it == m_cache.end()) {
            request(sample);
            return m_placeholder;
        }
        m_recent.remove(sample);
        m_recent.push_front(sample);
        return it->second;
    }
    default:
        return {};
    }
}

void ThumbnailModel::request(std::size_t sample) const {
    if (!m_pending.insert(sample).second)
        return;
    const std::filesystem::path file = m_index->samples[sample].path;
    const quint64 generation = m_generation;
    // The destructor waits for running jobs, so `self` outlives them; the
    // queued call is dropped by Qt if the model is deleted before it runs.
    auto *self = const_cast<ThumbnailModel *>(this);
    auto *job = QRunnable::create([file, sample, generation, self] {
        const QImage image = ThumbnailCache().thumbnail(file, kThumbnailSize);
        QMetaObject::invokeMethod(
            self,
            [self, sample, image, generation] { self->store(sample, image, generation); },
            Qt::QueuedConnection);
    });
    // Newest first: after a fling the rows on screen are decoded before
    // the ones it scrolled past, which still fill the cache afterwards.
    const_cast<QThreadPool &>(m_pool).start(job, ++m_requests);
}

void ThumbnailModel::store(std::size_t sample, const QImage &image, quint64 generation) {
    if (generation != m_generation)
        return; // a result for a dataset no longer shown
    m_pending.erase(sample);
    m_cache[sample] = image;
    m_recent.push_front(sample);
    while (m_cache.size() > kCacheSize && !m_recent.empty()) {
        m_cache.erase(m_recent.back());
        m_recent.pop_back();
    }
    const auto row = m_rowOf.find(sample);
    if (row != m_rowOf.end()) {
        const QModelIndex at = index(row->second);
        Q_EMIT dataChanged(at, at, {Qt::DecorationRole});
        Q_EMIT thumbnailReady(row->second);
    }
}

} // namespace cxr::ui
