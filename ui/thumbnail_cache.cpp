// SPDX-License-Identifier: MIT
#include "thumbnail_cache.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

#include "data/image_decode.h"
#include "gray_image.h"

namespace cxr::ui {

ThumbnailCache::ThumbnailCache(const QString &folder) : m_folder(folder) {}

QString ThumbnailCache::defaultFolder() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation))
        .filePath(QStringLiteral("cxr-studio/thumbnails"));
}

QString ThumbnailCache::entryFile(const std::filesystem::path &file, int side) const {
    std::error_code error;
    const auto size = std::filesystem::file_size(file, error);
    if (error)
        return {};
    const auto time = std::filesystem::last_write_time(file, error);
    if (error)
        return {};
    const std::string key =
        std::filesystem::absolute(file, error).string() + '\n' + std::to_string(size) + '\n' +
        std::to_string(time.time_since_epoch().count()) + '\n' + std::to_string(side);
    const QByteArray digest =
        QCryptographicHash::hash(QByteArray::fromStdString(key), QCryptographicHash::Sha1).toHex();
    // Two levels, so that no folder holds tens of thousands of files.
    return QDir(m_folder).filePath(QString::fromLatin1(digest.left(2)) + QLatin1Char('/') +
                                   QString::fromLatin1(digest) + QStringLiteral(".png"));
}

QImage ThumbnailCache::cached(const std::filesystem::path &file, int side) const {
    const QString entry = entryFile(file, side);
    return entry.isEmpty() ? QImage() : QImage(entry);
}

QImage ThumbnailCache::thumbnail(const std::filesystem::path &file, int side) const {
    const QString entry = entryFile(file, side);
    if (!entry.isEmpty()) {
        const QImage hit(entry);
        if (!hit.isNull())
            return hit;
    }
    QImage image;
    try {
        image = grayToQImage(decodeImage(file).pixels, side);
    } catch (const std::exception &) {
        return thumbnailOf(file, side); // the marked placeholder; not cached
    }
    if (!entry.isEmpty() && QDir().mkpath(QFileInfo(entry).path())) {
        // Written whole or not at all: a reader never sees half a PNG.
        QSaveFile out(entry);
        if (out.open(QIODevice::WriteOnly) && image.save(&out, "PNG"))
            out.commit();
    }
    return image;
}

} // namespace cxr::ui
