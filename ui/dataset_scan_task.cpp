// SPDX-License-Identifier: MIT
#include "dataset_scan_task.h"

#include <QtConcurrent/QtConcurrentRun>

#include "data/dataset_scan.h"
#include "progress_throttle.h"

namespace cxr::ui {

DatasetScanTask::DatasetScanTask(QObject *parent) : QObject(parent) {
    qRegisterMetaType<std::shared_ptr<const cxr::DatasetIndex>>();
    connect(&m_watcher, &QFutureWatcher<Outcome>::finished, this, &DatasetScanTask::onFinished);
}

DatasetScanTask::~DatasetScanTask() {
    cancel();
    m_watcher.waitForFinished();
}

bool DatasetScanTask::isRunning() const { return m_watcher.isRunning(); }

void DatasetScanTask::cancel() {
    if (m_cancel)
        m_cancel->cancel();
}

void DatasetScanTask::start(const QString &path) {
    if (m_watcher.isRunning()) {
        // The running scan is cancelled, not waited for; this one starts
        // when it has ended.
        m_next = path;
        cancel();
        return;
    }
    m_cancel = std::make_shared<CancelToken>();

    // Everything the job touches is captured by value. `self` only serves as
    // the context of queued progress calls: the destructor waits for the job,
    // so it outlives the job, and Qt drops calls queued to a dead context.
    const std::filesystem::path target = path.toStdString();
    auto token = m_cancel;
    DatasetScanTask *self = this;
    m_watcher.setFuture(QtConcurrent::run([target, token, self]() -> Outcome {
        ScanOptions options;
        options.cancel = token.get();
        auto throttle = std::make_shared<ProgressThrottle>();
        options.progress = [self, throttle](std::size_t done, std::size_t total) {
            if (!throttle->due(done, total))
                return;
            QMetaObject::invokeMethod(
                self,
                [self, done, total] {
                    Q_EMIT self->progress(static_cast<int>(done), static_cast<int>(total));
                },
                Qt::QueuedConnection);
        };
        Outcome outcome;
        try {
            outcome.index = std::make_shared<const DatasetIndex>(scan(target, options));
        } catch (const Cancelled &) {
            outcome.cancelled = true;
        } catch (const std::exception &e) {
            outcome.error = QString::fromStdString(e.what());
        }
        return outcome;
    }));
}

void DatasetScanTask::onFinished() {
    if (m_next) { // superseded: the newer request counts
        start(*std::exchange(m_next, std::nullopt));
        return;
    }
    const Outcome outcome = m_watcher.result();
    if (outcome.cancelled)
        Q_EMIT cancelled();
    else if (outcome.index)
        Q_EMIT finished(outcome.index);
    else
        Q_EMIT failed(outcome.error);
}

} // namespace cxr::ui
