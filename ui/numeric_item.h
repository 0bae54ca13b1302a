// SPDX-License-Identifier: MIT
#pragma once

#include <QTableWidgetItem>

namespace cxr::ui {

// A table cell that shows text but sorts by a number (a score, a
// probability; -1 for "none yet"), kept under Qt::UserRole.
class NumericItem : public QTableWidgetItem {
  public:
    NumericItem(const QString &text, double key) : QTableWidgetItem(text) {
        setData(Qt::UserRole, key);
        setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    double key() const { return data(Qt::UserRole).toDouble(); }
    bool operator<(const QTableWidgetItem &other) const override {
        return key() < other.data(Qt::UserRole).toDouble();
    }
};

} // namespace cxr::ui
