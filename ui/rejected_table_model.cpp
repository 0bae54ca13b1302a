// SPDX-License-Identifier: MIT
#include "rejected_table_model.h"

namespace cxr::ui {

void RejectedTableModel::setIndex(std::shared_ptr<const DatasetIndex> index) {
    beginResetModel();
    m_index = std::move(index);
    endResetModel();
}

int RejectedTableModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() || !m_index ? 0 : static_cast<int>(m_index->rejected.size());
}

int RejectedTableModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : 2;
}

QVariant RejectedTableModel::data(const QModelIndex &index, int role) const {
    if (!m_index || !index.isValid())
        return {};
    const Rejected &r = m_index->rejected[static_cast<std::size_t>(index.row())];
    if (role == Qt::ToolTipRole)
        return QString::fromStdString(r.path.string() + "\n" + r.reason);
    if (role != Qt::DisplayRole)
        return {};
    if (index.column() == 1)
        return QString::fromStdString(r.reason);
    const std::string full = r.path.string(), root = m_index->root.string();
    if (!root.empty() && full.rfind(root, 0) == 0 && full.size() > root.size() + 1)
        return QString::fromStdString(full.substr(root.size() + 1));
    return QString::fromStdString(full);
}

QVariant RejectedTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (role != Qt::DisplayRole || orientation != Qt::Horizontal)
        return {};
    return section == 0 ? tr("file") : tr("reason");
}

} // namespace cxr::ui
