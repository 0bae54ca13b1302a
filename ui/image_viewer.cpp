// SPDX-License-Identifier: MIT
#include "image_viewer.h"

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>
#include <algorithm>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace cxr::ui {

ImageViewer::ImageViewer(QWidget *parent) : QWidget(parent) {
    setMinimumSize(320, 320);
    setMouseTracking(false);
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_options.caption = false; // the page shows the notice beside the viewer
    setToolTip(tr("Wheel: zoom · drag: pan · right-drag: window/level · double-click: reset"));
}

void ImageViewer::setImage(const cv::Mat &gray) {
    m_gray = gray.clone();
    m_heatmap.release();
    resetView();
}

void ImageViewer::setValueRange(double lower, double upper) {
    m_valueLower = lower;
    m_valueUpper = upper;
    update();
}

void ImageViewer::setHeatmap(const cv::Mat &heatmap) {
    m_heatmap = heatmap.clone();
    compose();
}

void ImageViewer::setOverlay(bool visible, const OverlayOptions &options) {
    m_overlayVisible = visible;
    m_options = options;
    m_options.caption = false;
    compose();
}

void ImageViewer::setInverted(bool inverted) {
    m_inverted = inverted;
    compose();
}

void ImageViewer::resetView() {
    m_centre = 0.5;
    m_width = 1.0;
    m_zoom = 1.0;
    m_offset = {};
    compose();
    Q_EMIT windowChanged(m_centre, m_width);
}

void ImageViewer::compose() {
    if (m_gray.empty()) {
        m_composed = QImage();
        update();
        return;
    }
    // Window/level: map [centre - width/2, centre + width/2] to [0, 1].
    cv::Mat shown = (m_gray - (m_centre - m_width / 2)) / std::max(1e-6, m_width);
    cv::max(shown, 0.0, shown);
    cv::min(shown, 1.0, shown);
    if (m_inverted)
        shown = 1.0 - shown;
    const cv::Mat heat =
        m_overlayVisible && !m_heatmap.empty() ? m_heatmap : cv::Mat::zeros(2, 2, CV_32FC1);
    OverlayOptions options = m_options;
    if (!m_overlayVisible || m_heatmap.empty())
        options.opacity = 0;
    cv::Mat bgr = renderOverlay(shown, heat, options), rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    m_composed =
        QImage(rgb.data, rgb.cols, rgb.rows, static_cast<int>(rgb.step), QImage::Format_RGB888)
            .copy();
    update();
}

double ImageViewer::fitScale() const {
    if (m_composed.isNull())
        return 1.0;
    return std::min(width() / double(m_composed.width()), height() / double(m_composed.height()));
}

void ImageViewer::paintEvent(QPaintEvent *) {
    QPainter painter(this);
    painter.fillRect(rect(), QColor(20, 20, 20));
    if (m_composed.isNull()) {
        painter.setPen(QColor(200, 200, 200));
        painter.drawText(rect(),
                         Qt::AlignCenter | Qt::TextWordWrap,
                         tr("Drop X-rays (PNG, JPEG, DICOM) here\nor use Open images…"));
        return;
    }
    const double scale = fitScale() * m_zoom;
    const QSizeF size(m_composed.width() * scale, m_composed.height() * scale);
    const QPointF topLeft(rect().center().x() - size.width() / 2 + m_offset.x(),
                          rect().center().y() - size.height() / 2 + m_offset.y());
    painter.setRenderHint(QPainter::SmoothPixmapTransform, m_zoom < 4);
    painter.drawImage(QRectF(topLeft, size), m_composed);
    // The status line on a dark box: readable over any heatmap colour.
    const QString status = statusText();
    const QRect textRect = painter.fontMetrics()
                               .boundingRect(status)
                               .adjusted(-6, -3, 6, 3)
                               .translated(10, 10 + painter.fontMetrics().ascent());
    painter.fillRect(textRect, QColor(0, 0, 0, 170));
    painter.setPen(QColor(240, 240, 240));
    painter.drawText(textRect, Qt::AlignCenter, status);
    if (m_overlayVisible && !m_heatmap.empty() && m_options.opacity > 0)
        drawColourBar(painter);
}

QString ImageViewer::statusText() const {
    const double range = m_valueUpper - m_valueLower;
    const int decimals = std::abs(range) >= 20 ? 0 : 2;
    return tr("W %1  L %2  zoom %3×")
        .arg(m_width * range, 0, 'f', decimals)
        .arg(m_valueLower + m_centre * range, 0, 'f', decimals)
        .arg(m_zoom, 0, 'f', 1);
}

// The heatmap's colour scale at the right edge: what "red" means.
void ImageViewer::drawColourBar(QPainter &painter) const {
    constexpr int kSteps = 256;
    cv::Mat ramp(kSteps, 1, CV_32FC1);
    for (int i = 0; i < kSteps; ++i)
        ramp.at<float>(i) = 1.0f - static_cast<float>(i) / (kSteps - 1); // high at the top
    cv::Mat bgr = colouriseHeatmap(ramp, m_options.colormap), rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    const QImage bar(rgb.data, 1, kSteps, static_cast<int>(rgb.step), QImage::Format_RGB888);
    const int height = std::max(60, this->height() * 2 / 5);
    const QRect barRect(width() - 34, (this->height() - height) / 2, 14, height);
    const QRect box = barRect.adjusted(-34, -22, 28, 22);
    painter.fillRect(box, QColor(0, 0, 0, 170));
    painter.drawImage(barRect, bar);
    painter.setPen(QColor(240, 240, 240));
    painter.drawRect(barRect);
    const QFontMetrics metrics = painter.fontMetrics();
    painter.drawText(QRect(box.left(), box.top() + 2, box.width(), metrics.height()),
                     Qt::AlignHCenter,
                     tr("high"));
    painter.drawText(
        QRect(box.left(), box.bottom() - metrics.height() - 1, box.width(), metrics.height()),
        Qt::AlignHCenter,
        tr("low"));
}

void ImageViewer::wheelEvent(QWheelEvent *event) {
    const double factor = event->angleDelta().y() > 0 ? 1.25 : 0.8;
    const double newZoom = std::clamp(m_zoom * factor, 0.2, 40.0);
    // Keep the point under the cursor fixed.
    const QPointF cursor = event->position() - QPointF(rect().center()) - m_offset;
    m_offset -= cursor * (newZoom / m_zoom - 1.0);
    m_zoom = newZoom;
    update();
}

void ImageViewer::mousePressEvent(QMouseEvent *event) {
    m_dragButton = event->button();
    m_lastMouse = event->pos();
}

void ImageViewer::mouseMoveEvent(QMouseEvent *event) {
    const QPoint delta = event->pos() - m_lastMouse;
    m_lastMouse = event->pos();
    if (m_dragButton == Qt::LeftButton) {
        m_offset += delta;
        update();
    } else if (m_dragButton == Qt::RightButton) {
        m_width = std::clamp(m_width + delta.x() / 400.0, 0.02, 2.0);
        m_centre = std::clamp(m_centre - delta.y() / 400.0, -0.5, 1.5);
        compose();
        Q_EMIT windowChanged(m_centre, m_width);
    }
}

void ImageViewer::mouseReleaseEvent(QMouseEvent *) { m_dragButton = Qt::NoButton; }

void ImageViewer::mouseDoubleClickEvent(QMouseEvent *) { resetView(); }

} // namespace cxr::ui
