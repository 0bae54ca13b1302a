// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>
#include <string>
#include <vector>

#include "train/run_directory.h"
#include "train/train_events.h"

class QCustomPlot;
class QCPColorMap;
class QCPGraph;
class QCPItemText;
class QTableWidget;

namespace cxr::ui {

// Live curves of a training run: accuracy and balanced accuracy, loss
// (per epoch, plus the smoothed per-batch loss), learning rate, the latest
// validation confusion matrix as a heat map and per-class metrics. Past
// runs' metrics.csv can be added as dashed comparison curves. Draws only;
// every number comes from core.
class TrainingCharts : public QWidget {
    Q_OBJECT
  public:
    explicit TrainingCharts(QWidget *parent = nullptr);

    void clear();
    void addBatch(const BatchProgress &progress);
    void addEpoch(const EpochReport &report);
    // Plots a run's metrics.csv rows (RunDirectory::readMetrics): as the
    // main curves (replacing the epoch curves, keeping comparisons), or as a
    // dashed comparison labelled `name`.
    void showRun(const std::vector<MetricsRow> &rows, const QString &name, bool asComparison);
    // The confusion matrix (counts in each cell, colour by the share of the
    // true class) and the per-class table of a run folder's latest epoch.
    void showConfusion(const ConfusionTable &table);

    int epochPoints() const; // epochs plotted for the current run (for tests)
    int batchPoints() const; // smoothed batch losses plotted (for tests)
    QCustomPlot *accuracyPlot() const { return m_accuracy; }
    QCustomPlot *lossPlot() const { return m_loss; }
    QCustomPlot *learningRatePlot() const { return m_lr; }
    QCustomPlot *confusionPlot() const { return m_confusion; }
    QTableWidget *perClassTable() const { return m_perClass; }
    // The count written in each confusion cell, row-major [true][predicted].
    QStringList confusionCellTexts() const;

  private:
    void showMetrics(const std::vector<std::string> &classes, const Metrics &metrics);
    void replotAll();
    QCPGraph *addGraph(QCustomPlot *plot, const QString &name, const QColor &colour, bool dashed);

    QCustomPlot *m_accuracy, *m_loss, *m_lr, *m_confusion;
    QCPColorMap *m_confusionMap = nullptr;
    std::vector<QCPItemText *> m_cellTexts;
    QTableWidget *m_perClass;
    QCPGraph *m_trainAcc, *m_valAcc, *m_valBalanced, *m_trainLoss, *m_valLoss, *m_batchLoss,
        *m_lrGraph;
    double m_smoothedLoss = -1;
    int m_comparisons = 0;
};

} // namespace cxr::ui
