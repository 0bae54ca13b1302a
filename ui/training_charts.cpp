// SPDX-License-Identifier: MIT
#include "training_charts.h"

#include <QDir>
#include <QGridLayout>
#include <QHeaderView>
#include <QTableWidget>
#include <cmath>

#include "eval/metrics.h"
#include "qcustomplot_include.h"

namespace cxr::ui {
namespace {

// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
const QColor kBlue(0, 114, 178), kOrange(230, 159, 0), kGreen(0, 158, 115), kGrey(120, 120, 120),
    kPurple(204, 121, 167), kRed(213, 94, 0);

QCustomPlot *
makePlot(QWidget *parent, const QString &title, const QString &xLabel, const QString &yLabel) {
    auto *plot = new QCustomPlot(parent);
    plot->setMinimumSize(220, 180);
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(
        0, 0, new QCPTextElement(plot, title, QFont("sans", 10, QFont::Bold)));
    plot->xAxis->setLabel(xLabel);
    plot->yAxis->setLabel(yLabel);
    // The legend goes below the axes, where it cannot cover a curve; with
    // comparison runs it wraps into more rows.
    plot->legend->setVisible(true);
    QFont legendFont = plot->font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.85);
    plot->legend->setFont(legendFont);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    plot->legend->setWrap(3);
    plot->axisRect()->insetLayout()->take(plot->legend);
    plot->plotLayout()->addElement(2, 0, plot->legend);
    plot->plotLayout()->setRowStretchFactor(2, 0.001);
    return plot;
}

// Fits the value axis to the data with a margin, so that no point sits on
// the frame; never below `floor`.
void fitValueAxis(QCustomPlot *plot, double floor) {
    bool found = false;
    QCPRange range;
    for (int g = 0; g < plot->graphCount(); ++g) {
        bool ok = false;
        const QCPRange r = plot->graph(g)->data()->valueRange(ok);
        if (ok)
            range = found ? QCPRange(std::min(range.lower, r.lower), std::max(range.upper, r.upper))
                          : r;
        found = found || ok;
    }
    if (!found)
        return;
    const double margin = std::max(1e-6, 0.1 * (range.upper - range.lower));
    plot->yAxis->setRange(std::max(floor, range.lower - margin), range.upper + margin);
}

} // namespace

TrainingCharts::TrainingCharts(QWidget *parent)
    : QWidget(parent),
      m_accuracy(makePlot(this, tr("Accuracy"), tr("epoch"), tr("fraction correct"))),
      m_loss(makePlot(this, tr("Loss"), tr("epoch"), tr("loss"))),
      m_lr(makePlot(this, tr("Learning rate"), tr("epoch"), tr("learning rate"))),
      m_confusion(makePlot(this, tr("Validation confusion matrix"), tr("predicted"), tr("true"))),
      m_perClass(new QTableWidget(this)) {
    m_trainAcc = addGraph(m_accuracy, tr("train"), kBlue, false);
    m_valAcc = addGraph(m_accuracy, tr("val"), kOrange, false);
    m_valBalanced = addGraph(m_accuracy, tr("val balanced"), kGreen, false);
    m_trainLoss = addGraph(m_loss, tr("train"), kBlue, false);
    m_valLoss = addGraph(m_loss, tr("val"), kOrange, false);
    m_batchLoss = addGraph(m_loss, tr("batch (smoothed)"), kGrey, false);
    m_batchLoss->setScatterStyle(QCPScatterStyle::ssNone);
    m_lrGraph = addGraph(m_lr, tr("lr"), kPurple, false);
    m_lrGraph->setLineStyle(QCPGraph::lsStepLeft);
    m_lr->legend->setVisible(false);
    // A range fitted to the rates (not from zero, where 0.001 reads as
    // nothing), with plain decimal labels.
    m_lr->yAxis->setNumberFormat(QStringLiteral("g"));
    m_lr->yAxis->setNumberPrecision(3);
    m_accuracy->yAxis->setRange(0, 1);
    m_confusion->legend->setVisible(false);
    m_confusion->axisRect()->setupFullAxesBox(true);
    m_confusion->yAxis->setRangeReversed(true);
    m_confusion->xAxis->grid()->setVisible(false);
    m_confusion->yAxis->grid()->setVisible(false);

    m_perClass->setColumnCount(5);
    m_perClass->setHorizontalHeaderLabels(
        {tr("class"), tr("precision"), tr("recall"), tr("F1"), tr("AUC")});
    m_perClass->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_perClass->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_perClass->verticalHeader()->hide();
    m_perClass->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_perClass->setMinimumWidth(260);
    m_confusion->setMinimumWidth(200);

    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(m_accuracy, 0, 0);
    grid->addWidget(m_loss, 0, 1);
    grid->addWidget(m_lr, 1, 0);
    auto *bottomRight = new QWidget(this);
    auto *split = new QHBoxLayout(bottomRight);
    split->setContentsMargins(0, 0, 0, 0);
    split->addWidget(m_confusion, 1);
    split->addWidget(m_perClass, 1);
    grid->addWidget(bottomRight, 1, 1);
}

QCPGraph *TrainingCharts::addGraph(QCustomPlot *plot,
                                   const QString &name,
                                   const QColor &colour,
                                   bool dashed) {
    QCPGraph *graph = plot->addGraph();
    graph->setName(name);
    QPen pen(colour, 2);
    if (dashed)
        pen.setStyle(Qt::DashLine);
    graph->setPen(pen);
    if (!dashed)
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    return graph;
}

void TrainingCharts::clear() {
    for (QCustomPlot *plot : {m_accuracy, m_loss, m_lr})
        for (int g = 0; g < plot->graphCount(); ++g)
            plot->graph(g)->data()->clear();
    // Comparison graphs go; the run's own graphs stay (emptied).
    for (QCustomPlot *plot : {m_accuracy, m_loss})
        while (plot->graphCount() > (plot == m_accuracy ? 3 : 3))
            plot->removeGraph(plot->graphCount() - 1);
    m_comparisons = 0;
    m_smoothedLoss = -1;
    m_perClass->setRowCount(0);
    if (m_confusionMap)
        m_confusionMap->data()->clear();
    for (QCPItemText *text : m_cellTexts)
        m_confusion->removeItem(text);
    m_cellTexts.clear();
    replotAll();
}

void TrainingCharts::addBatch(const BatchProgress &p) {
    // Exponential smoothing (factor 0.1) so the noisy batch loss reads as a trend.
    m_smoothedLoss = m_smoothedLoss < 0 ? p.batchLoss : 0.9 * m_smoothedLoss + 0.1 * p.batchLoss;
    const double x =
        (p.epoch - 1) + static_cast<double>(p.batch) / std::max<std::size_t>(1, p.batches);
    m_batchLoss->addData(x, m_smoothedLoss);
    fitValueAxis(m_loss, 0.0);
    if (x + 0.5 > m_loss->xAxis->range().upper)
        m_loss->xAxis->setRange(0, std::ceil(x) + 0.5);
    m_loss->replot(QCustomPlot::rpQueuedReplot); // bursts of batches coalesce
}

void TrainingCharts::addEpoch(const EpochReport &r) {
    m_trainAcc->addData(r.epoch, r.train.accuracy);
    m_trainLoss->addData(r.epoch, r.train.loss);
    if (r.val.count > 0) {
        m_valAcc->addData(r.epoch, r.val.accuracy);
        m_valBalanced->addData(r.epoch, r.val.balancedAccuracy);
        m_valLoss->addData(r.epoch, r.val.loss);
    }
    m_lrGraph->addData(r.epoch, r.learningRate);

    showMetrics(r.classes, r.val.count > 0 ? r.val : r.train);
}

void TrainingCharts::showConfusion(const ConfusionTable &table) {
    showMetrics(table.classes, metricsFromConfusion(table.counts));
}

void TrainingCharts::showMetrics(const std::vector<std::string> &classes, const Metrics &m) {
    const int k = static_cast<int>(m.confusion.size());
    const auto name = [&classes](int c) {
        return QString::fromStdString(c < static_cast<int>(classes.size())
                                          ? classes[static_cast<std::size_t>(c)]
                                          : std::to_string(c));
    };
    if (!m_confusionMap) {
        m_confusionMap = new QCPColorMap(m_confusion->xAxis, m_confusion->yAxis);
        m_confusionMap->setGradient(QCPColorGradient::gpThermal);
        m_confusionMap->setInterpolate(false);
    }
    // Cell (predicted p, true t) is centred on (p, t); the axes reach half a
    // cell beyond the first and last so every cell is whole.
    m_confusionMap->data()->setSize(k, k);
    m_confusionMap->data()->setRange(QCPRange(0, k - 1), QCPRange(0, k - 1));
    for (QCPItemText *text : m_cellTexts)
        m_confusion->removeItem(text);
    m_cellTexts.clear();
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int t = 0; t < k; ++t) {
        ticker->addTick(t, name(t));
        // Each row as a share of its true class, so small classes stay visible.
        const double support = std::max<double>(
            1.0, static_cast<double>(m.perClass[static_cast<std::size_t>(t)].support));
        for (int p = 0; p < k; ++p) {
            const std::size_t count =
                m.confusion[static_cast<std::size_t>(t)][static_cast<std::size_t>(p)];
            const double share = static_cast<double>(count) / support;
            m_confusionMap->data()->setCell(p, t, share);
            auto *text = new QCPItemText(m_confusion);
            text->position->setCoords(p, t);
            text->setText(QString::number(count));
            text->setColor(share > 0.55 ? Qt::black : Qt::white); // thermal: dark to bright
            m_cellTexts.push_back(text);
        }
    }
    m_confusion->xAxis->setTicker(ticker);
    m_confusion->yAxis->setTicker(ticker);
    // Slanted class names below the matrix, so that neighbours never run together.
    m_confusion->xAxis->setTickLabelRotation(k > 2 ? -35 : 0);
    m_confusionMap->setDataRange(QCPRange(0, 1));
    m_confusion->xAxis->setRange(-0.5, k - 0.5);
    m_confusion->yAxis->setRange(-0.5, k - 0.5);

    m_perClass->setRowCount(k);
    for (int c = 0; c < k; ++c) {
        const ClassMetrics &cm = m.perClass[static_cast<std::size_t>(c)];
        const QStringList cells = {name(c),
                                   QString::number(cm.precision, 'f', 3),
                                   QString::number(cm.recall, 'f', 3),
                                   QString::number(cm.f1, 'f', 3),
                                   std::isnan(cm.auc) ? QStringLiteral("–")
                                                      : QString::number(cm.auc, 'f', 3)};
        for (int col = 0; col < cells.size(); ++col)
            m_perClass->setItem(c, col, new QTableWidgetItem(cells[col]));
    }
    replotAll();
}

void TrainingCharts::showRun(const std::vector<MetricsRow> &rows,
                             const QString &name,
                             bool asComparison) {
    QCPGraph *valBalanced = m_valBalanced, *valLoss = m_valLoss, *trainAcc = m_trainAcc,
             *valAcc = m_valAcc, *trainLoss = m_trainLoss, *lr = m_lrGraph;
    if (asComparison) {
        const QList<QColor> colours = {kRed, kPurple, kGrey, kBlue};
        const QColor colour = colours[m_comparisons++ % colours.size()];
        valBalanced = addGraph(m_accuracy, name + tr(" val balanced"), colour, true);
        valLoss = addGraph(m_loss, name + tr(" val"), colour, true);
        trainAcc = valAcc = trainLoss = lr = nullptr;
    } else {
        // The run's own curves start again; comparisons stay.
        for (QCPGraph *graph :
             {m_trainAcc, m_valAcc, m_valBalanced, m_trainLoss, m_valLoss, m_lrGraph})
            graph->data()->clear();
    }
    for (const MetricsRow &row : rows) {
        if (row.split == "train") {
            if (trainAcc)
                trainAcc->addData(row.epoch, row.accuracy);
            if (trainLoss)
                trainLoss->addData(row.epoch, row.loss);
            if (lr)
                lr->addData(row.epoch, row.learningRate);
        } else if (row.split == "val") {
            if (valAcc)
                valAcc->addData(row.epoch, row.accuracy);
            valBalanced->addData(row.epoch, row.balancedAccuracy);
            valLoss->addData(row.epoch, row.loss);
        }
    }
    replotAll();
}

int TrainingCharts::epochPoints() const { return m_trainAcc->dataCount(); }

int TrainingCharts::batchPoints() const { return m_batchLoss->dataCount(); }

QStringList TrainingCharts::confusionCellTexts() const {
    QStringList texts;
    for (const QCPItemText *text : m_cellTexts)
        texts << text->text();
    return texts;
}

void TrainingCharts::replotAll() {
    // Epochs are whole numbers and batch losses fill (epoch - 1, epoch]:
    // from 0 to half an epoch beyond the last, so no point sits on a frame.
    double lastEpoch = 1;
    for (QCustomPlot *plot : {m_accuracy, m_loss, m_lr})
        for (int g = 0; g < plot->graphCount(); ++g) {
            bool ok = false;
            const QCPRange keys = plot->graph(g)->data()->keyRange(ok);
            if (ok)
                lastEpoch = std::max(lastEpoch, keys.upper);
        }
    for (QCustomPlot *plot : {m_accuracy, m_loss, m_lr})
        plot->xAxis->setRange(0, std::ceil(lastEpoch) + 0.5);
    m_accuracy->yAxis->setRange(0, 1.04);
    fitValueAxis(m_loss, 0.0);
    bool ok = false;
    const QCPRange rates = m_lrGraph->data()->valueRange(ok);
    if (ok && rates.lower > 0)
        m_lr->yAxis->setRange(rates.lower * 0.5, rates.upper * 1.25);
    for (QCustomPlot *plot : {m_accuracy, m_loss, m_lr, m_confusion})
        plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace cxr::ui
