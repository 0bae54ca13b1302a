// SPDX-License-Identifier: MIT
#pragma once

#include <QFutureWatcher>
#include <QImage>
#include <QWidget>
#include <memory>
#include <optional>

#include "dataset_index_metatype.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QListView;

namespace cxr::ui {

class ThumbnailModel;

// Browses a dataset's images: a thumbnail grid (lazy, smooth with thousands
// of images) filtered by class, split and file name, and the selected
// image large with its metadata (size, bit depth, label, split, patient).
class ImageBrowser : public QWidget {
    Q_OBJECT
  public:
    explicit ImageBrowser(QWidget *parent = nullptr);
    ~ImageBrowser() override;

    void setIndex(std::shared_ptr<const DatasetIndex> index);
    ThumbnailModel *model() const { return m_model; }
    QListView *view() const { return m_view; }
    QString metadataText() const;
    // The dataset sample on show in the preview, if any.
    std::optional<std::size_t> shownSample() const { return m_shown; }

  Q_SIGNALS:
    void previewShown(); // the selected image and its metadata are on screen

  private:
    struct Preview {
        QImage image;
        QString metadata;
    };
    void applyFilter();
    void showSelected();
    void clearPreview();

    std::shared_ptr<const DatasetIndex> m_index;
    ThumbnailModel *m_model;
    QListView *m_view;
    QComboBox *m_class, *m_split;
    QLineEdit *m_search;
    QLabel *m_count, *m_preview, *m_metadata;
    QFutureWatcher<Preview> m_watcher;
    std::optional<std::size_t> m_shown;
    quint64 m_previewGeneration = 0; // previews asked for before this are dropped
};

} // namespace cxr::ui
