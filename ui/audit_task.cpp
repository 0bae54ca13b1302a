// SPDX-License-Identifier: MIT
#include "audit_task.h"

#include <QCryptographicHash>
#include <QPointer>
#include <map>
#include <mutex>

#include <QtConcurrent/QtConcurrentRun>

#include "audit/survey_cache.h"
#include "progress_throttle.h"

namespace cxr::ui {
namespace {

std::mutex cacheMutex;
std::map<std::string, std::shared_ptr<const DatasetAudit>> &cache() {
    static std::map<std::string, std::shared_ptr<const DatasetAudit>> audits;
    return audits;
}

} // namespace

std::string auditCacheKey(const DatasetIndex &index) {
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(QByteArray::fromStdString(index.root.string()));
    for (const Sample &s : index.samples) {
        std::error_code error;
        const auto size = std::filesystem::file_size(s.path, error);
        const auto time = std::filesystem::last_write_time(s.path, error);
        hash.addData(QByteArray::fromStdString(s.path.string() + '\t' +
                                               std::to_string(error ? 0 : size) + '\t' +
                                               std::to_string(time.time_since_epoch().count()) +
                                               '\t' + std::to_string(s.label) + '\n'));
    }
    return hash.result().toHex().toStdString();
}

AuditTask::AuditTask(QObject *parent) : QObject(parent) {}

AuditTask::~AuditTask() { cancel(); }

void AuditTask::cancel() {
    if (m_cancel)
        m_cancel->cancel();
}

void AuditTask::start(std::shared_ptr<const DatasetIndex> index) {
    cancel();
    m_cancel = std::make_shared<CancelToken>();
    m_running = true;
    const int generation = ++m_generation;
    QPointer<AuditTask> self(this);
    auto throttle = std::make_shared<ProgressThrottle>();
    const std::shared_ptr<CancelToken> token = m_cancel;
    (void)QtConcurrent::run([self, throttle, token, generation, index] {
        auto post = [self, generation](auto call) {
            QMetaObject::invokeMethod(
                self.data(),
                [self, generation, call] {
                    if (self && self->m_generation == generation) {
                        self->m_running = false;
                        call(*self);
                    }
                },
                Qt::QueuedConnection);
        };
        try {
            const std::string key = auditCacheKey(*index);
            {
                const std::lock_guard<std::mutex> lock(cacheMutex);
                const auto it = cache().find(key);
                if (it != cache().end()) {
                    const auto audit = it->second;
                    post([audit](AuditTask &task) { Q_EMIT task.finished(audit, true); });
                    return;
                }
            }
            AuditOptions options;
            options.cacheFolder = SurveyCache::defaultFolder();
            const ProgressFn report = [self, generation, throttle](std::size_t done,
                                                                   std::size_t total) {
                if (!throttle->due(done, total))
                    return;
                QMetaObject::invokeMethod(
                    self.data(),
                    [self, generation, done, total] {
                        if (self && self->m_generation == generation)
                            Q_EMIT self->progress(static_cast<int>(done), static_cast<int>(total));
                    },
                    Qt::QueuedConnection);
            };
            auto audit = std::make_shared<const DatasetAudit>(
                auditDataset(*index, options, report, token.get()));
            {
                const std::lock_guard<std::mutex> lock(cacheMutex);
                cache()[key] = audit;
            }
            post([audit](AuditTask &task) { Q_EMIT task.finished(audit, false); });
        } catch (const Cancelled &) {
            post([](AuditTask &task) { Q_EMIT task.cancelled(); });
        } catch (const std::exception &e) {
            const QString message = QString::fromStdString(e.what());
            post([message](AuditTask &task) { Q_EMIT task.failed(message); });
        }
    });
}

} // namespace cxr::ui
