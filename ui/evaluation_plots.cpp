// SPDX-License-Identifier: MIT
#include "evaluation_plots.h"

#include <cmath>

#include "qcustomplot_include.h"

namespace cxr::ui {
namespace {

constexpr const char *kMarkerName = "operating point";

void prepare(QCustomPlot *plot, const QString &x, const QString &y) {
    plot->clearPlottables();
    plot->clearItems();
    plot->xAxis->setLabel(x);
    plot->yAxis->setLabel(y);
    plot->xAxis->setRange(0, 1);
    plot->yAxis->setRange(0, 1.02);
    plot->legend->setVisible(true);
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
}

QCPCurve *line(QCustomPlot *plot,
               const QVector<double> &x,
               const QVector<double> &y,
               const QPen &pen,
               const QString &name) {
    auto *curve = new QCPCurve(plot->xAxis, plot->yAxis);
    curve->setData(x, y);
    curve->setPen(pen);
    curve->setName(name);
    return curve;
}

void diagonal(QCustomPlot *plot, const QString &name) {
    line(plot, {0, 1}, {0, 1}, QPen(Qt::gray, 1, Qt::DashLine), name);
}

} // namespace

QColor classColour(std::size_t index) {
    static const QColor palette[] = {QColor(0, 114, 178),
                                     QColor(213, 94, 0),
                                     QColor(0, 158, 115),
                                     QColor(204, 121, 167),
                                     QColor(230, 159, 0),
                                     QColor(86, 180, 233),
                                     QColor(0, 0, 0)};
    return palette[index % (sizeof palette / sizeof palette[0])];
}

void plotRocCurves(QCustomPlot *plot,
                   const std::vector<std::string> &classes,
                   const std::vector<ClassCurves> &curves,
                   const std::vector<double> &aucs) {
    prepare(plot,
            QObject::tr("false positive rate (1 - specificity)"),
            QObject::tr("true positive rate (sensitivity)"));
    diagonal(plot, QObject::tr("chance"));
    for (std::size_t c = 0; c < classes.size() && c < curves.size(); ++c) {
        const RocCurve &roc = curves[c].roc;
        if (roc.thresholds.empty())
            continue; // a class without positives or negatives has no curve
        const QString auc = c < aucs.size() && !std::isnan(aucs[c])
                                ? QString::number(aucs[c], 'f', 3)
                                : QStringLiteral("-");
        line(plot,
             QVector<double>(roc.falsePositiveRate.begin(), roc.falsePositiveRate.end()),
             QVector<double>(roc.truePositiveRate.begin(), roc.truePositiveRate.end()),
             QPen(classColour(c), 2),
             QObject::tr("%1 (AUC %2)").arg(QString::fromStdString(classes[c]), auc));
    }
    plot->replot();
}

void plotPrCurves(QCustomPlot *plot,
                  const std::vector<std::string> &classes,
                  const std::vector<ClassCurves> &curves) {
    prepare(plot, QObject::tr("recall (sensitivity)"), QObject::tr("precision (PPV)"));
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
    for (std::size_t c = 0; c < classes.size() && c < curves.size(); ++c) {
        const PrCurve &pr = curves[c].pr;
        if (pr.recall.empty())
            continue;
        line(plot,
             QVector<double>(pr.recall.begin(), pr.recall.end()),
             QVector<double>(pr.precision.begin(), pr.precision.end()),
             QPen(classColour(c), 2),
             QObject::tr("%1 (AP %2)")
                 .arg(QString::fromStdString(classes[c]))
                 .arg(pr.averagePrecision, 0, 'f', 3));
    }
    plot->replot();
}

void plotReliability(QCustomPlot *plot,
                     const std::vector<ReliabilityBin> &uncalibrated,
                     const std::vector<ReliabilityBin> &calibrated,
                     double eceUncalibrated,
                     double eceCalibrated) {
    prepare(plot, QObject::tr("confidence (top probability)"), QObject::tr("accuracy"));
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    diagonal(plot, QObject::tr("perfectly calibrated"));
    const auto series =
        [plot](const std::vector<ReliabilityBin> &bins, const QColor &colour, const QString &name) {
            QVector<double> x, y;
            for (const ReliabilityBin &bin : bins)
                if (bin.count > 0) {
                    x << bin.confidence;
                    y << bin.accuracy;
                }
            QCPCurve *curve = line(plot, x, y, QPen(colour, 2), name);
            curve->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 7));
        };
    series(uncalibrated,
           QColor(213, 94, 0),
           QObject::tr("network's softmax (ECE %1)").arg(eceUncalibrated, 0, 'f', 3));
    if (!calibrated.empty())
        series(calibrated,
               QColor(0, 114, 178),
               QObject::tr("calibrated (ECE %1)").arg(eceCalibrated, 0, 'f', 3));
    // How many images each point of the model's outputs rests on: a bin of
    // three images says little, whatever its distance from the diagonal.
    const QColor labelColour = calibrated.empty() ? QColor(213, 94, 0) : QColor(0, 114, 178);
    for (const ReliabilityBin &bin : calibrated.empty() ? uncalibrated : calibrated)
        if (bin.count > 0) {
            auto *label = new QCPItemText(plot);
            label->setObjectName(QStringLiteral("binCount"));
            label->position->setCoords(bin.confidence, bin.accuracy);
            label->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
            label->setPadding(QMargins(0, 0, 0, 6));
            label->setColor(labelColour);
            label->setText(QString::number(bin.count));
        }
    plot->replot();
}

void markRocPoint(QCustomPlot *plot,
                  double falsePositiveRate,
                  double truePositiveRate,
                  const QColor &colour) {
    for (int i = plot->plottableCount() - 1; i >= 0; --i)
        if (plot->plottable(i)->name() == QLatin1String(kMarkerName))
            plot->removePlottable(i);
    QCPCurve *marker = line(
        plot, {falsePositiveRate}, {truePositiveRate}, QPen(colour), QLatin1String(kMarkerName));
    marker->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(colour, 2), QBrush(Qt::white), 11));
    marker->setLineStyle(QCPCurve::lsNone);
    marker->removeFromLegend();
    plot->replot();
}

} // namespace cxr::ui
