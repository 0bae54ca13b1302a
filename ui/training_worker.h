// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>
#include <memory>

#include "progress.h"
#include "train/train_events.h"
#include "train/trainer.h"

Q_DECLARE_METATYPE(cxr::BatchProgress)
Q_DECLARE_METATYPE(cxr::EpochReport)
Q_DECLARE_METATYPE(cxr::RunSummary)
Q_DECLARE_METATYPE(cxr::TrainConfig)

namespace cxr::ui {

// Runs one training run on the thread it lives on (a QThread owned by
// TrainingController). Copies its inputs when a run starts; core's events
// leave as queued signals carrying values. Exceptions never escape: they
// become failed(message).
class TrainingWorker : public QObject {
    Q_OBJECT
  public:
    explicit TrainingWorker(std::shared_ptr<CancelToken> cancel);

  public Q_SLOTS:
    // Scans `dataset` and trains a new run in `runDir`; blocks this worker's
    // thread until done.
    void start(const cxr::TrainConfig &config, const QString &dataset, const QString &runDir);
    // Scans `dataset` and continues the run in `runDir` with the
    // configuration stored there.
    void resume(const QString &dataset, const QString &runDir, int threads);

  Q_SIGNALS:
    void started(const QString &runDir);
    void logLine(const QString &line);
    void batchProgress(const cxr::BatchProgress &progress);
    void epochFinished(const cxr::EpochReport &report);
    void finished(const cxr::RunSummary &summary);
    void failed(const QString &message);
    void cancelled();

  private:
    // Scans the dataset and calls `train` with it, turning every outcome
    // into a signal.
    template <typename Train>
    void runWith(const QString &dataset, const QString &runDir, Train train);

    std::shared_ptr<CancelToken> m_cancel; // shared with the controller
};

} // namespace cxr::ui
