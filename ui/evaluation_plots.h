// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>
#include <string>
#include <vector>

#include "eval/calibration.h"
#include "eval/curves.h"

class QCustomPlot;

namespace cxr::ui {

// The colour of class `index` on every Evaluation plot (Okabe-Ito, which
// colour-blind readers can tell apart).
QColor classColour(std::size_t index);

// One ROC curve per class, the chance diagonal, AUC in the legend.
void plotRocCurves(QCustomPlot *plot,
                   const std::vector<std::string> &classes,
                   const std::vector<ClassCurves> &curves,
                   const std::vector<double> &aucs);
// One precision-recall curve per class, average precision in the legend.
void plotPrCurves(QCustomPlot *plot,
                  const std::vector<std::string> &classes,
                  const std::vector<ClassCurves> &curves);
// Accuracy against confidence per bin (non-empty bins only) for the
// network's own softmax and, when given, the calibrated probabilities;
// the diagonal is perfect calibration. Each point of the model's outputs
// carries the number of images in its bin.
void plotReliability(QCustomPlot *plot,
                     const std::vector<ReliabilityBin> &uncalibrated,
                     const std::vector<ReliabilityBin> &calibrated,
                     double eceUncalibrated,
                     double eceCalibrated);
// A marker on the ROC plot at (fpr, tpr) in the class's colour; replaces
// the previous marker.
void markRocPoint(QCustomPlot *plot,
                  double falsePositiveRate,
                  double truePositiveRate,
                  const QColor &colour);

} // namespace cxr::ui
