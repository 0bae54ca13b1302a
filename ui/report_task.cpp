// SPDX-License-Identifier: MIT
#include "report_task.h"

#include <QPointer>

#include <QtConcurrent/QtConcurrentRun>

#include "errors.h"
#include "progress.h"
#include "progress_throttle.h"
#include "report/run_report.h"

namespace cxr::ui {

ReportTask::ReportTask(QObject *parent) : QObject(parent) {}

ReportTask::~ReportTask() {
    if (m_cancel)
        m_cancel->cancel();
}

void ReportTask::cancel() {
    if (m_cancel)
        m_cancel->cancel();
}

void ReportTask::start(const QString &runDir, const QString &out) {
    cancel();
    m_cancel = std::make_shared<CancelToken>();
    m_running = true;
    const int generation = ++m_generation;
    QPointer<ReportTask> self(this);
    auto throttle = std::make_shared<ProgressThrottle>();
    const std::shared_ptr<CancelToken> token = m_cancel;
    // Everything the worker needs is captured by value: the page may go
    // away before the report is written.
    (void)QtConcurrent::run([self, throttle, token, generation, runDir, out] {
        auto post = [self, generation](auto &&call) {
            QMetaObject::invokeMethod(
                self.data(),
                [self, generation, call] {
                    if (self && self->m_generation == generation)
                        call(*self);
                },
                Qt::QueuedConnection);
        };
        RunReportOptions options;
        options.run = runDir.toStdString();
        options.generator = "CXR Studio " CXR_VERSION;
        options.cancel = token.get();
        options.progress = [&post, throttle](std::size_t done, std::size_t total) {
            if (throttle->due(done, total))
                post([done, total](ReportTask &task) {
                    Q_EMIT task.progress(static_cast<int>(done), static_cast<int>(total));
                });
        };
        try {
            writeRunReport(options, out.toStdString());
            post([out](ReportTask &task) {
                task.m_running = false;
                Q_EMIT task.written(out);
            });
        } catch (const Cancelled &) {
            post([](ReportTask &task) { task.m_running = false; });
        } catch (const std::exception &e) {
            const QString message = QString::fromStdString(e.what());
            post([message](ReportTask &task) {
                task.m_running = false;
                Q_EMIT task.failed(message);
            });
        }
    });
}

} // namespace cxr::ui
