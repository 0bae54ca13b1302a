// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>
#include <QWidget>

#include <opencv2/core/mat.hpp>

#include "explain/overlay.h"

namespace cxr::ui {

// An X-ray viewer with the controls radiologists expect: wheel zoom about
// the cursor, left-drag pan, right-drag window/level (horizontal: width,
// vertical: level), invert, reset (double-click). An optional heatmap is
// blended over the windowed image. Works on the GUI thread only.
class ImageViewer : public QWidget {
    Q_OBJECT
  public:
    explicit ImageViewer(QWidget *parent = nullptr);

    // gray: CV_32FC1 in [0, 1]; heatmap: CV_32FC1 in [0, 1] or empty.
    void setImage(const cv::Mat &gray);
    void setHeatmap(const cv::Mat &heatmap);
    void setOverlay(bool visible, const OverlayOptions &options);
    void setInverted(bool inverted);
    void resetView();

    double windowCentre() const { return m_centre; }
    double windowWidth() const { return m_width; }
    double zoom() const { return m_zoom; }
    // The picture as shown (windowed, inverted, overlaid), at image size.
    QImage composedImage() const { return m_composed; }

  Q_SIGNALS:
    void windowChanged(double centre, double width);

  protected:
    void paintEvent(QPaintEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;

  private:
    void compose();
    double fitScale() const;

    cv::Mat m_gray, m_heatmap;
    QImage m_composed;
    bool m_overlayVisible = true, m_inverted = false;
    OverlayOptions m_options;
    double m_centre = 0.5, m_width = 1.0; // window in [0, 1] intensity units
    double m_zoom = 1.0;                  // relative to fit-to-window
    QPointF m_offset;                     // pan, in widget pixels
    QPoint m_lastMouse;
    Qt::MouseButton m_dragButton = Qt::NoButton;
};

} // namespace cxr::ui
