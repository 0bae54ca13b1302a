// SPDX-License-Identifier: MIT
#pragma once

#include <QFutureWatcher>
#include <QImage>
#include <QList>
#include <QWidget>
#include <memory>

#include "data/dataset_statistics.h"
#include "dataset_index_metatype.h"

class QCheckBox;
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
// 2) and sample images per class. Histograms and sample thumbnails are
// computed off the GUI thread, histograms with progress and cancel; the
// page (both charts and the samples) exports as one PNG or PDF.
class ChartsPage : public QWidget {
    Q_OBJECT
  public:
    explicit ChartsPage(QWidget *parent = nullptr);
    ~ChartsPage() override;

    void setIndex(std::shared_ptr<const DatasetIndex> index);
    bool isComputing() const { return m_watcher.isRunning(); }
    QCustomPlot *histogramPlot() const { return m_histograms; }
    int sampleImagesShown() const; // sample thumbnails on show (for tests)
    // Writes the charts and samples to `file` (.png or .pdf, as named).
    // Returns false when the file cannot be written.
    bool exportTo(const QString &file);

  public Q_SLOTS:
    void computeHistograms();
    void exportCharts();

  Q_SIGNALS:
    void histogramsReady();
    void statusMessage(const QString &message);

  private:
    void showHistograms(const IntensityStatistics &stats);
    void fitHistogramAxis();
    void showSamples();
    void loadSampleThumbnails();

    struct Outcome {
        std::shared_ptr<IntensityStatistics> stats; // null on failure or cancel
        QString error;
    };
    void onFinished();

    std::shared_ptr<const DatasetIndex> m_index;
    std::shared_ptr<CancelToken> m_cancel;
    QFutureWatcher<Outcome> m_watcher;
    bool m_restart = false; // a new dataset came while the last one computed
    std::shared_ptr<IntensityStatistics> m_stats;
    struct Thumbnail {
        int label = 0;
        QString name;
        QImage image;
    };
    QFutureWatcher<QList<Thumbnail>> m_thumbnails;

    ClassDistributionPlot *m_distribution;
    QCustomPlot *m_histograms;
    QGridLayout *m_samples;
    QWidget *m_samplesBox;
    QWidget *m_exported; // what an export draws: the charts and the samples
    QCheckBox *m_logScale;
    QProgressBar *m_progress;
    QPushButton *m_compute, *m_cancelButton;
    QSpinBox *m_perClass;
    QLabel *m_note;
};

} // namespace cxr::ui
