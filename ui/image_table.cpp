// SPDX-License-Identifier: MIT
#include "image_table.h"

#include <QFileInfo>
#include <QHeaderView>
#include <QKeyEvent>
#include <algorithm>
#include <functional>

#include "infer/batch_predict.h"
#include "numeric_item.h"

namespace cxr::ui {
namespace {

constexpr int kPathRole = Qt::UserRole;
constexpr int kLabelRole = Qt::UserRole + 1; // predicted class index, -1 none

} // namespace

ImageTable::ImageTable(QWidget *parent) : QTableWidget(parent) {
    setColumnCount(kFirstClass);
    setHorizontalHeaderLabels({tr("image"), tr("predicted"), tr("p")});
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSortingEnabled(true);
    setTextElideMode(Qt::ElideMiddle);
    setWordWrap(false);
    verticalHeader()->hide();
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setSectionResizeMode(kName, QHeaderView::Interactive);
    horizontalHeader()->resizeSection(kName, 150);
    horizontalHeader()->setStretchLastSection(false);
    setToolTip(tr("Drop X-rays or folders here. Click a column to sort; Delete removes rows."));
}

int ImageTable::addFiles(const QStringList &files) {
    setSortingEnabled(false); // rows stay where they are inserted
    QString first;
    for (const QString &file : files) {
        if (first.isEmpty())
            first = file;
        if (rowOf(file) >= 0)
            continue;
        const int row = rowCount();
        insertRow(row);
        auto *name = new QTableWidgetItem(QFileInfo(file).fileName());
        name->setData(kPathRole, file);
        name->setData(kLabelRole, -1);
        name->setToolTip(file);
        setItem(row, kName, name);
    }
    setSortingEnabled(true);
    return first.isEmpty() ? -1 : rowOf(first);
}

void ImageTable::removeSelected() {
    QStringList gone;
    QList<int> rows;
    for (const QModelIndex &index : selectionModel()->selectedRows())
        rows << index.row();
    std::sort(rows.begin(), rows.end(), std::greater<int>());
    for (int row : rows) {
        gone << fileAt(row);
        removeRow(row);
    }
    if (!gone.isEmpty())
        Q_EMIT removed(gone);
}

void ImageTable::keyPressEvent(QKeyEvent *event) {
    if (event->key() == Qt::Key_Delete)
        removeSelected();
    else
        QTableWidget::keyPressEvent(event);
}

QString ImageTable::fileAt(int row) const {
    const QTableWidgetItem *name = item(row, kName);
    return name ? name->data(kPathRole).toString() : QString();
}

QString ImageTable::currentFile() const {
    return currentRow() < 0 ? QString() : fileAt(currentRow());
}

int ImageTable::rowOf(const QString &file) const {
    for (int row = 0; row < rowCount(); ++row)
        if (fileAt(row) == file)
            return row;
    return -1;
}

QStringList ImageTable::files() const {
    QStringList all;
    for (int row = 0; row < rowCount(); ++row)
        all << fileAt(row);
    return all;
}

QStringList ImageTable::unpredicted() const {
    QStringList waiting;
    for (int row = 0; row < rowCount(); ++row)
        if (item(row, kName)->data(kLabelRole).toInt() < 0 && !item(row, kLabel))
            waiting << fileAt(row);
    return waiting;
}

void ImageTable::setClasses(const std::vector<std::string> &classes) {
    m_predictions.clear();
    m_classes = classes;
    setSortingEnabled(false);
    setColumnCount(kFirstClass + static_cast<int>(classes.size()));
    QStringList headers{tr("image"), tr("predicted"), tr("p")};
    for (const std::string &c : classes)
        headers << QStringLiteral("p %1").arg(QString::fromStdString(c));
    setHorizontalHeaderLabels(headers);
    for (int row = 0; row < rowCount(); ++row) {
        item(row, kName)->setData(kLabelRole, -1);
        item(row, kName)->setForeground(palette().text());
        for (int column = kLabel; column < columnCount(); ++column)
            delete takeItem(row, column);
    }
    setSortingEnabled(true);
}

void ImageTable::setPrediction(const QString &file,
                               const std::vector<std::string> &classes,
                               const Prediction &prediction) {
    const std::vector<float> &probabilities = prediction.probabilities;
    const int label = prediction.label;
    const int row = rowOf(file);
    if (row < 0 || classes != m_classes || label < 0 ||
        label >= static_cast<int>(probabilities.size()))
        return; // removed meanwhile, or another model's result
    setSortingEnabled(false);
    item(row, kName)->setData(kLabelRole, label);
    m_predictions.insert(file, prediction);
    const bool trusted = prediction.inDistribution();
    QStringList warnings;
    for (const std::string &w : prediction.warnings())
        warnings << QString::fromStdString(w);
    const QString name = QString::fromStdString(classes[static_cast<std::size_t>(label)]);
    auto *labelItem = new QTableWidgetItem(trusted ? name : tr("%1 (unlike training)").arg(name));
    setItem(row, kLabel, labelItem);
    const auto number = [](double value) {
        return new NumericItem(QString::number(value, 'f', 3), value);
    };
    setItem(row, kProbability, number(probabilities[static_cast<std::size_t>(label)]));
    for (std::size_t c = 0; c < probabilities.size(); ++c)
        setItem(row, kFirstClass + static_cast<int>(c), number(probabilities[c]));
    if (!trusted)
        for (int column = kLabel; column < columnCount(); ++column)
            if (QTableWidgetItem *cell = item(row, column)) {
                cell->setForeground(QColor(128, 128, 128));
                cell->setToolTip(warnings.join(QStringLiteral("\n")));
            }
    setSortingEnabled(true);
}

void ImageTable::setFailed(const QString &file, const QString &reason) {
    const int row = rowOf(file);
    if (row < 0)
        return;
    setSortingEnabled(false);
    item(row, kName)->setForeground(QColor(176, 0, 0));
    auto *cell = new QTableWidgetItem(tr("cannot be read"));
    cell->setToolTip(reason);
    cell->setForeground(QColor(176, 0, 0));
    setItem(row, kLabel, cell);
    setSortingEnabled(true);
}

int ImageTable::predictedCount() const {
    int n = 0;
    for (int row = 0; row < rowCount(); ++row)
        n += item(row, kName)->data(kLabelRole).toInt() >= 0;
    return n;
}

void ImageTable::exportCsv(const QString &csv) const {
    std::vector<ImagePrediction> rows;
    for (int row = 0; row < rowCount(); ++row) {
        const int label = item(row, kName)->data(kLabelRole).toInt();
        if (label < 0)
            continue;
        const QString file = fileAt(row);
        rows.push_back({file.toStdString(), m_predictions.value(file)});
    }
    writePredictionsCsv(csv.toStdString(), m_classes, rows);
}

} // namespace cxr::ui
