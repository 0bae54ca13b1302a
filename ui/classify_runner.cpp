// SPDX-License-Identifier: MIT
#include "classify_runner.h"

#include <QtConcurrent/QtConcurrentRun>

#include "data/image_decode.h"
#include "errors.h"
#include "infer/classifier.h"
#include "progress.h"

namespace cxr::ui {
namespace {

// One line a radiologist reads beside the image: what the file is, and
// for DICOM what the header says of the acquisition.
QString describeImage(const DecodedImage &image) {
    QStringList parts;
    parts << QStringLiteral("%1 × %2 px").arg(image.header.width).arg(image.header.height)
          << QStringLiteral("%1-bit %2")
                 .arg(image.header.bitDepth)
                 .arg(QString::fromLatin1(imageFormatName(image.header.format)));
    if (const auto &d = image.dicom) {
        if (!d->modality.empty())
            parts << QString::fromStdString(d->modality);
        if (!d->viewPosition.empty())
            parts << QObject::tr("view %1").arg(QString::fromStdString(d->viewPosition));
        if (d->rowSpacingMm > 0)
            parts << QObject::tr("pixel %1 × %2 mm%3")
                         .arg(d->rowSpacingMm, 0, 'g', 4)
                         .arg(d->columnSpacingMm, 0, 'g', 4)
                         .arg(d->spacingAtDetector ? QObject::tr(" (at the detector)") : QString());
        if (!d->photometric.empty())
            parts << QString::fromStdString(d->photometric);
        if (d->windowWidth > 0)
            parts << QObject::tr("window %1 / %2").arg(d->windowCentre).arg(d->windowWidth);
    }
    return parts.join(QStringLiteral(" · "));
}

} // namespace

ClassifyRunner::ClassifyRunner(QObject *parent) : QObject(parent) {
    connect(&m_batch, &QFutureWatcher<void>::finished, this, [this] {
        if (m_nextBatch)
            predictAll(*std::exchange(m_nextBatch, std::nullopt));
        else
            Q_EMIT batchFinished();
    });
    connect(&m_load, &QFutureWatcher<Load>::finished, this, &ClassifyRunner::onLoadFinished);
    connect(&m_job, &QFutureWatcher<Outcome>::finished, this, &ClassifyRunner::onJobFinished);
}

ClassifyRunner::~ClassifyRunner() {
    // Queued progress calls to this object die with it; the work itself
    // must end first, as it reads the classifier and the cancel token.
    cancel();
    cancelBatch();
    m_job.waitForFinished();
    m_batch.waitForFinished();
    m_load.waitForFinished();
}

void ClassifyRunner::predictAll(const QStringList &files) {
    if (m_batch.isRunning()) {
        m_nextBatch = files; // starts when the cancelled batch has ended
        m_batchCancel->cancel();
        return;
    }
    const auto classifier = m_classifier;
    if (!classifier || files.isEmpty())
        return;
    m_batchCancel = std::make_shared<CancelToken>();
    const auto cancel = m_batchCancel;
    m_batch.setFuture(QtConcurrent::run([this, files, classifier, cancel] {
        const std::vector<std::string> classes = classifier->classes();
        int done = 0;
        for (const QString &file : files) {
            if (cancel->cancelled())
                return;
            try {
                const Prediction p = classifier->predictFile(file.toStdString());
                QMetaObject::invokeMethod(
                    this,
                    [this, file, classes, p] { Q_EMIT predicted(file, classes, p); },
                    Qt::QueuedConnection);
            } catch (const std::exception &e) {
                const QString reason = QString::fromStdString(e.what());
                QMetaObject::invokeMethod(
                    this,
                    [this, file, reason] { Q_EMIT predictFailed(file, reason); },
                    Qt::QueuedConnection);
            }
            ++done;
            const int total = static_cast<int>(files.size());
            QMetaObject::invokeMethod(
                this,
                [this, done, total] { Q_EMIT batchProgress(done, total); },
                Qt::QueuedConnection);
        }
    }));
}

void ClassifyRunner::cancelBatch() {
    m_nextBatch.reset();
    if (m_batchCancel)
        m_batchCancel->cancel();
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
        result.method = request.method;
        result.smoothing = request.smoothing;
        try {
            const DecodedImage decoded = decodeImage(request.file.toStdString());
            result.gray = decoded.pixels;
            result.valueLower = decoded.valueLower;
            result.valueUpper = decoded.valueUpper;
            result.imageInfo = describeImage(decoded);
            if (classifier) {
                const ProgressFn report = [this](std::size_t done, std::size_t total) {
                    QMetaObject::invokeMethod(
                        this,
                        [this, done, total] {
                            Q_EMIT progress(static_cast<int>(done), static_cast<int>(total));
                        },
                        Qt::QueuedConnection);
                };
                const Explanation e = classifier->explain(decoded,
                                                          request.target,
                                                          request.method,
                                                          request.smoothing,
                                                          report,
                                                          cancel.get());
                result.modelFile = modelFile;
                result.classes = classifier->classes();
                result.heatmap = e.heatmap;
                result.prediction = e.prediction;
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
