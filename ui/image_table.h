// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QStringList>
#include <QTableWidget>
#include <string>
#include <vector>

#include "infer/classifier.h"

namespace cxr::ui {

// The Classify page's images as a sortable table: file name, predicted
// class, its probability, and one probability column per class of the
// model that predicted them. Rows are keyed by the file's path. Exports
// what it shows as a predictions CSV (the format `cxr predict` writes).
class ImageTable : public QTableWidget {
    Q_OBJECT
  public:
    explicit ImageTable(QWidget *parent = nullptr);

    // Adds files not listed yet; returns the row of the first one given.
    int addFiles(const QStringList &files);
    void removeSelected();
    QString currentFile() const;
    QString fileAt(int row) const;
    int rowOf(const QString &file) const; // -1 when not listed
    QStringList files() const;
    // Files that have no prediction by the current classes yet.
    QStringList unpredicted() const;

    // A new model's classes: the probability columns follow them, and
    // every earlier prediction is cleared (it was another model's).
    void setClasses(const std::vector<std::string> &classes);
    const std::vector<std::string> &classes() const { return m_classes; }
    // Shows a prediction of the current classes; one of an image unlike the
    // training images (Prediction::inDistribution) is greyed, marked, and
    // says why in its tooltip.
    void setPrediction(const QString &file,
                       const std::vector<std::string> &classes,
                       const Prediction &prediction);
    void setFailed(const QString &file, const QString &reason);
    int predictedCount() const;

    // Writes the predicted rows, in the order shown, to `csv`. Throws
    // cxr::Error naming the file when it cannot be written.
    void exportCsv(const QString &csv) const;

  Q_SIGNALS:
    void removed(const QStringList &files);

  protected:
    void keyPressEvent(QKeyEvent *event) override;

  private:
    enum Column { kName = 0, kLabel = 1, kProbability = 2, kFirstClass = 3 };
    std::vector<std::string> m_classes;
    QHash<QString, Prediction> m_predictions; // by file, for the export
};

} // namespace cxr::ui
