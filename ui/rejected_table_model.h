// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractTableModel>
#include <memory>

#include "data/dataset_index.h"

namespace cxr::ui {

// The files a scan could not use, with the reason: columns "file", "reason".
// Paths are shown relative to the dataset root when they lie inside it.
class RejectedTableModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    using QAbstractTableModel::QAbstractTableModel;

    void setIndex(std::shared_ptr<const DatasetIndex> index);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

  private:
    std::shared_ptr<const DatasetIndex> m_index;
};

} // namespace cxr::ui
