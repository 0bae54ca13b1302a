// SPDX-License-Identifier: MIT
#pragma once

#include <QFutureWatcher>
#include <QStringList>
#include <QWidget>
#include <vector>

#include "train/run_catalog.h"

class QLabel;
class QLineEdit;
class QTableWidget;

namespace cxr::ui {

// The Training page's list of past runs: every run folder under a folder
// (the app's runs folder by default), with preset, task, architecture,
// epochs, the best validation balanced accuracy, the test result and the
// date, in a sortable table read in the background. Tick two or more and
// overlay their curves, or double-click one to open it.
class RunsTable : public QWidget {
    Q_OBJECT
  public:
    explicit RunsTable(QWidget *parent = nullptr);
    ~RunsTable() override;

    void setFolder(const QString &folder); // and reads it
    QString folder() const;
    void refresh();
    QTableWidget *table() const { return m_table; }
    QStringList checkedRuns() const;
    void setChecked(int row, bool checked);

  Q_SIGNALS:
    void refreshed(); // the table shows the folder's runs
    void compareRequested(const QStringList &runs);
    void openRequested(const QString &run);

  private:
    void showRuns(const std::vector<RunOverview> &runs);

    QLineEdit *m_folder;
    QTableWidget *m_table;
    QLabel *m_status;
    QFutureWatcher<std::vector<RunOverview>> m_watcher;
    bool m_again = false; // refresh asked for while a read ran
};

} // namespace cxr::ui
