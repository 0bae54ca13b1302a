// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>
#include <memory>

#include "audit/dataset_audit.h"

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTreeWidget;

namespace cxr::ui {

class AuditTask;

// The Dataset page's Audit tab: runs the dataset audit in the background
// (progress, cancel), lists what it found (copies across and within splits,
// conflicting labels, patients in several splits, images unlike the rest,
// unreadable files) with the selected finding's images side by side, the
// shortcut scores, and acts on it: write the HTML report, save the
// exclusion list, or train without the flagged images.
class AuditPanel : public QWidget {
    Q_OBJECT
  public:
    explicit AuditPanel(QWidget *parent = nullptr);

    void setDataset(std::shared_ptr<const DatasetIndex> index);
    void runAudit();
    std::shared_ptr<const DatasetAudit> audit() const { return m_audit; }
    // The exclusions of the current audit (paths relative to the dataset).
    QStringList exclusions() const;
    QTreeWidget *findings() const { return m_findings; }
    QListWidget *images() const { return m_images; }

  Q_SIGNALS:
    void audited();
    // "Train without flagged images": the Training page takes the list.
    void trainWithout(const QStringList &excluded);
    void statusMessage(const QString &message);

  private:
    void layOut();
    void connectSignals();
    void showAudit(std::shared_ptr<const DatasetAudit> audit, bool fromCache);
    void fillFindings();
    void fillShortcuts();
    void showImages(const std::vector<std::size_t> &samples, const QStringList &notes);
    void setBusy(bool busy);
    void saveReport();
    void saveExclusions();

    AuditTask *m_task;
    std::shared_ptr<const DatasetIndex> m_index;
    std::shared_ptr<const DatasetAudit> m_audit;
    QPushButton *m_run, *m_cancel, *m_report, *m_save, *m_train;
    QProgressBar *m_progress;
    QLabel *m_summary;
    QTreeWidget *m_findings;
    QListWidget *m_images;
    QTableWidget *m_shortcuts;
    int m_imageRequest = 0; // drops thumbnails of a selection since replaced
};

} // namespace cxr::ui
