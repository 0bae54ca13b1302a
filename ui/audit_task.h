// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>
#include <memory>

#include "audit/dataset_audit.h"

namespace cxr::ui {

// Audits a dataset (core/audit) on a worker thread with progress and cancel.
// A finished audit is kept while the app runs, per dataset folder and file
// list (paths, sizes and modification times): asking again for an unchanged
// dataset answers at once. Image surveys are also kept on disk
// (SurveyCache), so after a restart only changed images are decoded.
class AuditTask : public QObject {
    Q_OBJECT
  public:
    explicit AuditTask(QObject *parent = nullptr);
    ~AuditTask() override;

    void start(std::shared_ptr<const DatasetIndex> index);
    void cancel();
    bool isRunning() const { return m_running; }

  Q_SIGNALS:
    void progress(int done, int total);
    void finished(std::shared_ptr<const cxr::DatasetAudit> audit, bool fromCache);
    void failed(const QString &message);
    void cancelled();

  private:
    std::shared_ptr<CancelToken> m_cancel;
    bool m_running = false;
    int m_generation = 0;
};

// The key an audit is kept under: the dataset folder and, for every image,
// its path, size in bytes and modification time.
std::string auditCacheKey(const DatasetIndex &index);

} // namespace cxr::ui
