// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>
#include <memory>

#include "data/dataset_index.h"

class QCustomPlot;

namespace cxr::ui {

// Grouped bar chart of images per class, one bar per split (the paper's
// Figure 1). Draws what core counted; computes nothing itself.
class ClassDistributionPlot : public QWidget {
    Q_OBJECT
  public:
    explicit ClassDistributionPlot(QWidget *parent = nullptr);

    void setIndex(const std::shared_ptr<const DatasetIndex> &index);
    QCustomPlot *plot() const { return m_plot; } // for export and tests

  private:
    QCustomPlot *m_plot;
};

} // namespace cxr::ui
