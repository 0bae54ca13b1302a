// SPDX-License-Identifier: MIT
#pragma once

#include <QFutureWatcher>
#include <QWidget>
#include <memory>

#include "data/dataset_statistics.h"
#include "dataset_index_metatype.h"

class QCustomPlot;
class QGridLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace cxr::ui {

class ClassDistributionPlot;

// The Charts page, for students: images per class and split (the paper's
// Figure 1), per-class mean intensity histograms with a ±1 SD band (Figure
// 2) and sample images per class. Histograms are computed off the GUI
// thread with progress and cancel; charts export as PNG or PDF.
class ChartsPage : public QWidget {
    Q_OBJECT
  public:
    explicit ChartsPage(QWidget *parent = nullptr);
    ~ChartsPage() override;

    void setIndex(std::shared_ptr<const DatasetIndex> index);
    bool isComputing() const { return m_watcher.isRunning(); }
    QCustomPlot *histogramPlot() const { return m_histograms; }

  public Q_SLOTS:
    void computeHistograms();
    void exportCharts();

  Q_SIGNALS:
    void histogramsReady();
    void statusMessage(const QString &message);

  private:
    void showHistograms(const IntensityStatistics &stats);
    void showSamples();

    struct Outcome {
        std::shared_ptr<IntensityStatistics> stats; // null on failure or cancel
        QString error;
    };
    void onFinished();

    std::shared_ptr<const DatasetIndex> m_index;
    std::shared_ptr<CancelToken> m_cancel;
    QFutureWatcher<Outcome> m_watcher;

    ClassDistributionPlot *m_distribution;
    QCustomPlot *m_histograms;
    QGridLayout *m_samples;
    QWidget *m_samplesBox;
    QProgressBar *m_progress;
    QPushButton *m_compute, *m_cancelButton;
    QSpinBox *m_perClass;
    QLabel *m_note;
};

} // namespace cxr::ui
