// SPDX-License-Identifier: MIT
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <memory>
#include <optional>

#include "dataset_index_metatype.h"
#include "progress.h"

namespace cxr::ui {

// Scans a dataset off the GUI thread (QtConcurrent) and reports back on it.
// One scan at a time: start() while running cancels the running scan first.
// Lives on the GUI thread; its signals arrive there.
class DatasetScanTask : public QObject {
    Q_OBJECT
  public:
    explicit DatasetScanTask(QObject *parent = nullptr);
    ~DatasetScanTask() override; // cancels and waits for a running scan

    void start(const QString &path);
    void cancel();
    bool isRunning() const;

  Q_SIGNALS:
    void progress(int done, int total);
    void finished(std::shared_ptr<const cxr::DatasetIndex> index);
    void failed(const QString &message);
    void cancelled();

  private:
    struct Outcome {
        std::shared_ptr<const DatasetIndex> index;
        QString error;
        bool cancelled = false;
    };
    void onFinished();

    QFutureWatcher<Outcome> m_watcher;
    std::shared_ptr<CancelToken> m_cancel; // shared with the running job
    std::optional<QString> m_next;         // asked for while another scan ran
};

} // namespace cxr::ui
