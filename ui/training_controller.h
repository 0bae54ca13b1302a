// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QThread>
#include <memory>

#include "training_worker.h"

namespace cxr::ui {

// Owns the training thread and its worker (the QThread documentation's
// worker-object pattern). Lives on the GUI thread. The destructor asks a
// running run to stop at the next batch (it saves a resumable checkpoint),
// then quits and joins the thread.
class TrainingController : public QObject {
    Q_OBJECT
  public:
    explicit TrainingController(QObject *parent = nullptr);
    ~TrainingController() override;

    TrainingWorker *worker() const { return m_worker; }
    bool isRunning() const { return m_running; }

    // A new run in `runDir`.
    void start(const TrainConfig &config, const QString &dataset, const QString &runDir);
    // Continues the run in `runDir` with its own stored configuration, on
    // `threads` compute threads (0: every core; how, not what, it computes).
    void resume(const QString &dataset, const QString &runDir, int threads);
    // Stop at the next batch boundary with a resumable checkpoint.
    void requestStop();
    // Blocks until the current run has ended (used when closing the app).
    void waitUntilIdle();

  Q_SIGNALS:
    void
    startRequested(const cxr::TrainConfig &config, const QString &dataset, const QString &runDir);
    void resumeRequested(const QString &dataset, const QString &runDir, int threads);
    void runningChanged(bool running);

  private:
    bool begin(); // false when a run is already going
    void setRunning(bool running);

    QThread m_thread;
    std::shared_ptr<CancelToken> m_cancel;
    TrainingWorker *m_worker;
    bool m_running = false;
};

} // namespace cxr::ui
