// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>
#include <QString>
#include <filesystem>

namespace cxr::ui {

// Thumbnails kept on disk (XDG_CACHE_HOME/cxr-studio/thumbnails), keyed by
// the image's absolute path, file size, modification time and the
// thumbnail size, so that opening a dataset a second time shows its grid
// without decoding a single radiograph, and an edited image gets a new
// thumbnail. Thread-safe; a cache that cannot be written only costs time.
class ThumbnailCache {
  public:
    explicit ThumbnailCache(const QString &folder = defaultFolder());
    static QString defaultFolder();

    // The thumbnail of `file`, at most `side` pixels a side: from the cache,
    // or decoded and stored. A file that cannot be decoded gives a marked
    // placeholder, which is not stored.
    QImage thumbnail(const std::filesystem::path &file, int side) const;
    // Only what the cache holds (null when it holds nothing for `file`).
    QImage cached(const std::filesystem::path &file, int side) const;

  private:
    QString entryFile(const std::filesystem::path &file, int side) const;
    QString m_folder;
};

} // namespace cxr::ui
