// SPDX-License-Identifier: MIT
#include "gray_image.h"

#include <QObject>
#include <QPainter>
#include <algorithm>

#include <opencv2/imgproc.hpp>

#include "data/image_decode.h"

namespace cxr::ui {

QImage grayToQImage(const cv::Mat &gray, int maxSide) {
    cv::Mat shown = gray, bytes;
    const int longest = std::max(gray.cols, gray.rows);
    if (maxSide > 0 && longest > maxSide) {
        const double scale = static_cast<double>(maxSide) / longest;
        cv::resize(gray, shown, cv::Size(), scale, scale, cv::INTER_AREA);
    }
    shown.convertTo(bytes, CV_8U, 255.0);
    return QImage(bytes.data,
                  bytes.cols,
                  bytes.rows,
                  static_cast<int>(bytes.step),
                  QImage::Format_Grayscale8)
        .copy();
}

QImage thumbnailOf(const std::filesystem::path &file, int maxSide) {
    try {
        return grayToQImage(decodeImage(file).pixels, maxSide);
    } catch (const std::exception &) {
        QImage broken(maxSide, maxSide, QImage::Format_RGB32);
        broken.fill(QColor(90, 20, 20));
        QPainter painter(&broken);
        painter.setPen(Qt::white);
        painter.drawText(broken.rect(), Qt::AlignCenter, QObject::tr("unreadable"));
        return broken;
    }
}

} // namespace cxr::ui
