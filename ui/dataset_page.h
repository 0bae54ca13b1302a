// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>
#include <memory>

#include "dataset_index_metatype.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;
class QTabWidget;

namespace cxr::ui {

class AuditPanel;
class ClassDistributionPlot;
class ImageBrowser;
class CountsTableModel;
class DatasetScanTask;
class RejectedTableModel;

// The Dataset page: opens a dataset (folder or CoronaHack CSV), scans it in
// the background with progress and cancel, and shows the detected layout,
// the class x split counts (table and chart), the images, the rejected
// files and the audit (AuditPanel).
class DatasetPage : public QWidget {
    Q_OBJECT
  public:
    explicit DatasetPage(QWidget *parent = nullptr);

    // Starts scanning `path`; the page updates when the scan ends.
    void openDataset(const QString &path);
    std::shared_ptr<const DatasetIndex> index() const { return m_index; }
    ImageBrowser *browser() const { return m_browser; }
    AuditPanel *auditPanel() const { return m_audit; }
    // Shows the Audit tab and audits the dataset as soon as it is open.
    void auditWhenReady();

  Q_SIGNALS:
    void datasetLoaded(std::shared_ptr<const cxr::DatasetIndex> index);
    void statusMessage(const QString &message);

  public Q_SLOTS:
    void chooseFolder();
    void chooseCsv();

  private:
    void onScanFinished(std::shared_ptr<const DatasetIndex> index);
    void onScanFailed(const QString &message);
    void setBusy(bool busy);

    DatasetScanTask *m_task;
    std::shared_ptr<const DatasetIndex> m_index;
    QString m_pendingPath;

    QLabel *m_title;
    QLabel *m_summary;
    QProgressBar *m_progress;
    QPushButton *m_cancel;
    QTableView *m_countsView;
    CountsTableModel *m_counts;
    ClassDistributionPlot *m_chart;
    QTabWidget *m_lower;
    ImageBrowser *m_browser;
    RejectedTableModel *m_rejected;
    AuditPanel *m_audit;
    bool m_auditWhenReady = false;
};

} // namespace cxr::ui
