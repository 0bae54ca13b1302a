// SPDX-License-Identifier: MIT
#include "evaluation_runner.h"

#include <algorithm>

#include <QtConcurrent/QtConcurrentRun>

#include "data/dataset_scan.h"
#include "progress.h"
#include "train/model_calibration.h"
#include "weights/checkpoint.h"

namespace cxr::ui {

EvaluationRunner::EvaluationRunner(QObject *parent) : QObject(parent) {
    connect(&m_job, &QFutureWatcher<Outcome>::finished, this, &EvaluationRunner::onFinished);
    connect(&m_save, &QFutureWatcher<QString>::finished, this, [this] {
        const QString error = m_save.result();
        if (error.isEmpty())
            Q_EMIT saved(m_saving);
        else
            Q_EMIT saveFailed(error);
    });
}

EvaluationRunner::~EvaluationRunner() {
    cancel();
    m_job.waitForFinished(); // at the next batch
    m_save.waitForFinished();
}

void EvaluationRunner::cancel() {
    if (m_cancel)
        m_cancel->cancel();
}

void EvaluationRunner::evaluate(const QString &model, const QString &dataset, Split split) {
    if (m_job.isRunning()) {
        m_next = Request{model, dataset, split};
        cancel(); // onFinished starts the new one
        return;
    }
    start({model, dataset, split});
}

void EvaluationRunner::start(const Request &request) {
    m_cancel = std::make_shared<CancelToken>();
    const auto token = m_cancel;
    m_job.setFuture(QtConcurrent::run([this, request, token] {
        const auto &[model, dataset, split] = request;
        Outcome outcome;
        outcome.model = model;
        try {
            const DatasetIndex index = scan(dataset.toStdString());
            const ProgressFn report = [this](std::size_t done, std::size_t total) {
                QMetaObject::invokeMethod(
                    this,
                    [this, done, total] {
                        Q_EMIT progress(static_cast<int>(done), static_cast<int>(total));
                    },
                    Qt::QueuedConnection);
            };
            // val on a dataset without one: the model's run's own validation images.
            const Checkpoint checkpoint = loadCheckpoint(model.toStdString());
            const ModelImages images =
                imagesForModel(checkpoint.metadataJson, checkpoint.classes, index, split);
            outcome.evaluation = std::make_shared<Evaluation>(evaluateModel(checkpoint,
                                                                            model.toStdString(),
                                                                            index,
                                                                            images.samples,
                                                                            images.description,
                                                                            {},
                                                                            report,
                                                                            token.get()));
        } catch (const Cancelled &) {
            outcome.cancelled = true;
        } catch (const std::exception &e) {
            outcome.error = QString::fromStdString(e.what());
        }
        return outcome;
    }));
}

void EvaluationRunner::onFinished() {
    if (m_next) { // replaced: its outcome no longer matters
        const Request next = *m_next;
        m_next.reset();
        start(next);
        return;
    }
    const Outcome outcome = m_job.result();
    if (outcome.cancelled)
        Q_EMIT cancelled();
    else if (!outcome.error.isEmpty())
        Q_EMIT failed(outcome.error);
    else
        Q_EMIT evaluated(outcome.model, outcome.evaluation);
}

void EvaluationRunner::saveOperatingPoint(const QString &model, const OperatingPoint &point) {
    if (m_save.isRunning())
        return;
    m_saving = model;
    m_save.setFuture(QtConcurrent::run([model, point] {
        try {
            const std::filesystem::path file = model.toStdString();
            Checkpoint checkpoint = loadCheckpoint(file);
            std::vector<OperatingPoint> points =
                operatingPointsFromMetadata(checkpoint.metadataJson);
            points.erase(std::remove_if(points.begin(),
                                        points.end(),
                                        [&point](const OperatingPoint &p) {
                                            return p.className == point.className;
                                        }),
                         points.end());
            points.push_back(point);
            checkpoint.metadataJson = withOperatingPoints(checkpoint.metadataJson, points);
            saveCheckpoint(file, checkpoint);
            return QString();
        } catch (const std::exception &e) {
            return QString::fromStdString(e.what());
        }
    }));
}

} // namespace cxr::ui
