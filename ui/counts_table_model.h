// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractTableModel>
#include <memory>
#include <vector>

#include "data/dataset_index.h"

namespace cxr::ui {

// Images per class (rows) and split (columns), with totals: the paper's
// Figure 1 as a table. Read-only; set a new index to refresh.
class CountsTableModel : public QAbstractTableModel {
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
    std::vector<Split> m_splits;                    // columns before "total"
    std::vector<std::vector<std::size_t>> m_counts; // [split][class]
};

} // namespace cxr::ui
