// SPDX-License-Identifier: MIT
#include "classify_runner.h"

#include <QtConcurrent/QtConcurrentRun>

#include "data/image_decode.h"
#include "errors.h"
#include "infer/classifier.h"
#include "progress.h"

namespace cxr::ui {

ClassifyRunner::ClassifyRunner(QObject *parent) : QObject(parent) {
    connect(&m_load, &QFutureWatcher<Load>::finished, this, &ClassifyRunner::onLoadFinished);
    connect(&m_job, &QFutureWatcher<Outcome>::finished, this, &ClassifyRunner::onJobFinished);
}

ClassifyRunner::~ClassifyRunner() {
    // Queued progress calls to this object die with it; the work itself
    // must end first, as it reads the classifier and the cancel token.
    cancel();
    m_job.waitForFinished();
    m_load.waitForFinished();
}

void ClassifyRunner::loadModel(const QString &file) {
    m_nextModel = file;
    if (!m_load.isRunning())
        startLoad();
}

void ClassifyRunner::startLoad() {
    const QString file = *std::exchange(m_nextModel, std::nullopt);
    m_load.setFuture(QtConcurrent::run([file]() -> Load {
        Load load;
        load.file = file;
        try {
            load.classifier =
                std::make_shared<const Classifier>(Classifier::load(file.toStdString()));
        } catch (const std::exception &e) {
            load.error = QString::fromStdString(e.what());
        }
        return load;
    }));
}

void ClassifyRunner::onLoadFinished() {
    const Load load = m_load.result();
    if (m_nextModel) { // asked for another model meanwhile: that one counts
        startLoad();
        return;
    }
    if (!load.classifier) {
        Q_EMIT modelFailed(load.file, load.error);
        return;
    }
    m_classifier = load.classifier;
    m_modelFile = load.file;
    Q_EMIT modelLoaded(load.file);
}

void ClassifyRunner::classify(const ClassifyRequest &request) {
    m_nextRequest = request;
    if (m_job.isRunning())
        m_cancel->cancel(); // stale now; onJobFinished starts the new one
    else
        startJob();
}

void ClassifyRunner::cancel() {
    m_nextRequest.reset();
    if (m_cancel)
        m_cancel->cancel();
}

void ClassifyRunner::startJob() {
    const ClassifyRequest request = *std::exchange(m_nextRequest, std::nullopt);
    m_cancel = std::make_shared<CancelToken>();
    const auto cancel = m_cancel;
    const auto classifier = m_classifier;
    const QString modelFile = m_modelFile;
    Q_EMIT started(request.file);
    m_job.setFuture(QtConcurrent::run([this, request, cancel, classifier, modelFile]() {
        Outcome outcome;
        ClassifyResult &result = outcome.result;
        result.file = request.file;
        try {
            result.gray = decodeImage(request.file.toStdString()).pixels;
            if (classifier) {
                const ProgressFn report = [this](std::size_t done, std::size_t total) {
                    QMetaObject::invokeMethod(
                        this,
                        [this, done, total] {
                            Q_EMIT progress(static_cast<int>(done), static_cast<int>(total));
                        },
                        Qt::QueuedConnection);
                };
                const Explanation e = classifier->explain(result.gray,
                                                          request.target,
                                                          request.method,
                                                          request.smoothing,
                                                          report,
                                                          cancel.get());
                result.modelFile = modelFile;
                result.classes = classifier->classes();
                result.heatmap = e.heatmap;
                result.probabilities = e.prediction.probabilities;
                result.label = e.prediction.label;
                result.target = e.targetClass;
            }
        } catch (const Cancelled &) {
            outcome.cancelled = true;
        } catch (const std::exception &e) {
            result.error = QString::fromStdString(e.what());
        }
        return outcome;
    }));
}

void ClassifyRunner::onJobFinished() {
    const Outcome outcome = m_job.result();
    if (outcome.cancelled)
        Q_EMIT cancelled(outcome.result.file);
    else if (!m_nextRequest) // a result that a newer request replaces is not shown
        Q_EMIT resultReady(outcome.result);
    if (m_nextRequest)
        startJob();
}

} // namespace cxr::ui
