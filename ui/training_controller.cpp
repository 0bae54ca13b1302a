// SPDX-License-Identifier: MIT
#include "training_controller.h"

#include <QCoreApplication>
#include <QEventLoop>

namespace cxr::ui {

TrainingController::TrainingController(QObject *parent)
    : QObject(parent), m_cancel(std::make_shared<CancelToken>()),
      m_worker(new TrainingWorker(m_cancel)) {
    qRegisterMetaType<cxr::BatchProgress>();
    qRegisterMetaType<cxr::EpochReport>();
    qRegisterMetaType<cxr::RunSummary>();
    qRegisterMetaType<cxr::TrainConfig>();
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(this, &TrainingController::startRequested, m_worker, &TrainingWorker::start);
    connect(this, &TrainingController::resumeRequested, m_worker, &TrainingWorker::resume);
    connect(m_worker, &TrainingWorker::cancelled, this, [this] { setRunning(false); });
    connect(m_worker, &TrainingWorker::finished, this, [this] { setRunning(false); });
    connect(m_worker, &TrainingWorker::failed, this, [this] { setRunning(false); });
    m_thread.setObjectName(QStringLiteral("training"));
    m_thread.start();
}

TrainingController::~TrainingController() {
    m_cancel->cancel();
    m_thread.quit();
    m_thread.wait();
}

void TrainingController::setRunning(bool running) {
    if (m_running == running)
        return;
    m_running = running;
    Q_EMIT runningChanged(running);
}

bool TrainingController::begin() {
    if (m_running)
        return false;
    // An earlier stop must not stop this run; the worker is idle, so the
    // shared token can be cleared in place.
    m_cancel->reset();
    setRunning(true);
    return true;
}

void TrainingController::start(const TrainConfig &config,
                               const QString &dataset,
                               const QString &runDir) {
    if (begin())
        Q_EMIT startRequested(config, dataset, runDir);
}

void TrainingController::resume(const QString &dataset, const QString &runDir, int threads) {
    if (begin())
        Q_EMIT resumeRequested(dataset, runDir, threads);
}

void TrainingController::requestStop() { m_cancel->cancel(); }

void TrainingController::waitUntilIdle() {
    while (m_running)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 100);
}

} // namespace cxr::ui
