// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>
#include <QWidget>
#include <memory>

#include "data/dataset_index.h"

class QCustomPlot;
class QLabel;

namespace cxr::ui {

// Grouped bar chart of images per class, one bar per split (the paper's
// Figure 1), each class labelled with its counts. Warns under the chart
// when a class has no images in a split (CoronaHack's COVID19 has no test
// images, so no test metric can say anything about it).
class ClassDistributionPlot : public QWidget {
    Q_OBJECT
  public:
    explicit ClassDistributionPlot(QWidget *parent = nullptr);

    void setIndex(const std::shared_ptr<const DatasetIndex> &index);
    QCustomPlot *plot() const { return m_plot; } // for export and tests
    const QStringList &warnings() const { return m_warnings; }

  private:
    QCustomPlot *m_plot;
    QLabel *m_warning;
    QStringList m_warnings;
};

} // namespace cxr::ui
