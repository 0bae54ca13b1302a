// SPDX-License-Identifier: MIT
#include "counts_table_model.h"

#include <QFont>

namespace cxr::ui {

void CountsTableModel::setIndex(std::shared_ptr<const DatasetIndex> index) {
    beginResetModel();
    m_index = std::move(index);
    m_splits.clear();
    m_counts.clear();
    if (m_index) {
        for (Split split : {Split::Train, Split::Val, Split::Test, Split::Unsplit})
            if (m_index->hasSplit(split))
                m_splits.push_back(split);
        m_counts = m_index->counts();
    }
    endResetModel();
}

int CountsTableModel::rowCount(const QModelIndex &parent) const {
    // One row per class plus the totals row.
    return parent.isValid() || !m_index ? 0 : static_cast<int>(m_index->classes.size()) + 1;
}

int CountsTableModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() || !m_index ? 0 : static_cast<int>(m_splits.size()) + 1;
}

QVariant CountsTableModel::data(const QModelIndex &index, int role) const {
    if (!m_index || !index.isValid())
        return {};
    const bool totalRow = index.row() == static_cast<int>(m_index->classes.size());
    const bool totalColumn = index.column() == static_cast<int>(m_splits.size());
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::FontRole && (totalRow || totalColumn)) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    if (role != Qt::DisplayRole)
        return {};
    std::size_t sum = 0;
    for (std::size_t s = 0; s < m_splits.size(); ++s) {
        if (!totalColumn && static_cast<int>(s) != index.column())
            continue;
        const auto &row = m_counts[static_cast<std::size_t>(m_splits[s])];
        if (totalRow)
            for (std::size_t n : row)
                sum += n;
        else
            sum += row[static_cast<std::size_t>(index.row())];
    }
    return QString::number(sum);
}

QVariant CountsTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (role != Qt::DisplayRole || !m_index)
        return {};
    if (orientation == Qt::Horizontal)
        return section < static_cast<int>(m_splits.size())
                   ? QString::fromLatin1(splitName(m_splits[static_cast<std::size_t>(section)]))
                   : tr("total");
    return section < static_cast<int>(m_index->classes.size())
               ? QString::fromStdString(m_index->classes[static_cast<std::size_t>(section)])
               : tr("total");
}

} // namespace cxr::ui
