// SPDX-License-Identifier: MIT
#include "training_worker.h"

#include "data/dataset_scan.h"
#include "errors.h"
#include "train/run_directory.h"

namespace cxr::ui {
namespace {

// Forwards core's events as the worker's signals (queued to the GUI).
class SignalObserver : public TrainObserver {
  public:
    explicit SignalObserver(TrainingWorker &worker) : m_worker(worker) {}
    void onLog(const std::string &line) override {
        Q_EMIT m_worker.logLine(QString::fromStdString(line));
    }
    void onBatch(const BatchProgress &progress) override {
        Q_EMIT m_worker.batchProgress(progress);
    }
    void onEpoch(const EpochReport &report) override { Q_EMIT m_worker.epochFinished(report); }

  private:
    TrainingWorker &m_worker;
};

} // namespace

TrainingWorker::TrainingWorker(std::shared_ptr<CancelToken> cancel) : m_cancel(std::move(cancel)) {}

template <typename Train>
void TrainingWorker::runWith(const QString &dataset, const QString &runDir, Train train) {
    try {
        Q_EMIT started(runDir);
        ScanOptions options;
        options.cancel = m_cancel.get();
        const DatasetIndex index = scan(dataset.toStdString(), options);
        SignalObserver observer(*this);
        const RunSummary summary = train(index, observer);
        Q_EMIT finished(summary);
    } catch (const Cancelled &) {
        Q_EMIT cancelled();
    } catch (const RunFolderInUse &e) {
        Q_EMIT failed(tr("The run folder %1 is not empty: it may hold another run. Press Resume "
                         "to continue that run, or choose a new run folder.")
                          .arg(QString::fromStdString(e.folder().string())));
    } catch (const std::exception &e) {
        Q_EMIT failed(QString::fromStdString(e.what()));
    }
}

void TrainingWorker::start(const cxr::TrainConfig &config,
                           const QString &dataset,
                           const QString &runDir) {
    runWith(dataset, runDir, [&](const DatasetIndex &index, TrainObserver &observer) {
        return startRun(index, config, runDir.toStdString(), observer, m_cancel.get());
    });
}

void TrainingWorker::resume(const QString &dataset, const QString &runDir, int threads) {
    ExecutionOptions execution;
    execution.threads = threads;
    runWith(dataset, runDir, [&](const DatasetIndex &index, TrainObserver &observer) {
        return resumeRun(index, runDir.toStdString(), observer, m_cancel.get(), execution);
    });
}

} // namespace cxr::ui
