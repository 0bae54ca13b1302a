// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>
#include <QWidget>

#include <opencv2/core/mat.hpp>

#include "explain/overlay.h"

class QPainter;

namespace cxr::ui {

// An X-ray viewer with the controls radiologists expect: wheel zoom about
// the cursor, left-drag pan, right-drag window/level (horizontal: width,
// vertical: level), invert, reset (double-click). An optional heatmap is
// blended over the windowed image, with a colour bar; window and level
// read in the file's own units (DICOM modality values, 0-255 for 8-bit
// files). Works on the GUI thread only.
class ImageViewer : public QWidget {
    Q_OBJECT
  public:
    explicit ImageViewer(QWidget *parent = nullptr);

    // gray: CV_32FC1 in [0, 1]; heatmap: CV_32FC1 in [0, 1] or empty.
    void setImage(const cv::Mat &gray);
    void setHeatmap(const cv::Mat &heatmap);
    void setOverlay(bool visible, const OverlayOptions &options);
    void setInverted(bool inverted);
    // What the image's [0, 1] values stand for (DecodedImage::valueLower and
    // valueUpper), so window and level read in the file's own units.
    void setValueRange(double lower, double upper);
    void resetView();

    double windowCentre() const { return m_centre; }
    double windowWidth() const { return m_width; }
    // The window/level/zoom line drawn over the image, in the file's units.
    QString statusText() const;
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
    void drawColourBar(QPainter &painter) const;

    double m_centre = 0.5, m_width = 1.0; // window in [0, 1] intensity units
    double m_valueLower = 0, m_valueUpper = 1;
    double m_zoom = 1.0; // relative to fit-to-window
    QPointF m_offset;    // pan, in widget pixels
    QPoint m_lastMouse;
    Qt::MouseButton m_dragButton = Qt::NoButton;
};

} // namespace cxr::ui
