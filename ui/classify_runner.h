// SPDX-License-Identifier: MIT
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "explain/cam_method.h"
#include "infer/classifier.h"

namespace cxr {
class CancelToken;
class Classifier;
} // namespace cxr

namespace cxr::ui {

// What the Classify page asks for one image.
struct ClassifyRequest {
    QString file;
    std::optional<int> target; // default: the predicted class
    CamMethod method = CamMethod::GradCam;
    CamSmoothing smoothing;
};

// One image's outcome. It carries the class names of the model that made
// it, so that a result is read with its own model's names even when another
// model has been loaded since.
struct ClassifyResult {
    QString file;
    QString modelFile;                // empty when no model was loaded
    std::vector<std::string> classes; // the model's; empty without a model
    cv::Mat gray, heatmap;
    QString imageInfo; // format, size and bits; for DICOM modality, view, spacing, window
    double valueLower = 0, valueUpper = 1; // what gray's 0 and 1 stand for (DecodedImage)
    Prediction prediction; // probabilities, label (-1 without a model), OOD score, concerns
    int target = -1;       // the class the heatmap is for; -1 without a model
    CamMethod method = CamMethod::GradCam; // how the heatmap was made
    CamSmoothing smoothing;
    QString error;

    bool classified() const { return prediction.label >= 0 && !prediction.probabilities.empty(); }
};

// Runs the Classify page's slow work off the GUI thread: loading a model
// (about a second) and decoding, classifying and explaining an image (up
// to several seconds with sub-cell shifts). Never blocks the caller. A new
// request supersedes one that waits; a new image request also cancels the
// explanation that runs, whose result would be stale anyway.
class ClassifyRunner : public QObject {
    Q_OBJECT
  public:
    explicit ClassifyRunner(QObject *parent = nullptr);
    ~ClassifyRunner() override; // cancels, then waits for the running pass

    // Loads `file`; modelLoaded or modelFailed follows, unless a newer
    // load is asked for first.
    void loadModel(const QString &file);
    // Classifies with the model loaded when the work starts; resultReady
    // follows, unless the request is superseded or cancelled.
    void classify(const ClassifyRequest &request);
    // Cancels the running classification and drops the waiting one.
    void cancel();
    // Classifies `files` (no heatmaps: about one inference each) with the
    // loaded model, one `predicted` or `predictFailed` per file. Cancels a
    // batch that runs.
    void predictAll(const QStringList &files);
    void cancelBatch();
    bool isPredicting() const { return m_batch.isRunning(); }

    std::shared_ptr<const Classifier> classifier() const { return m_classifier; }
    QString modelFile() const { return m_modelFile; }
    bool isClassifying() const { return m_job.isRunning(); }
    bool isLoading() const { return m_load.isRunning(); }

  Q_SIGNALS:
    void modelLoaded(const QString &file);
    void modelFailed(const QString &file, const QString &error);
    void started(const QString &file);
    void progress(int done, int total); // network passes of the running explanation
    void resultReady(const cxr::ui::ClassifyResult &result);
    void cancelled(const QString &file);
    void predicted(const QString &file,
                   const std::vector<std::string> &classes,
                   const cxr::Prediction &prediction);
    void predictFailed(const QString &file, const QString &reason);
    void batchProgress(int done, int total);
    void batchFinished();

  private:
    struct Load {
        std::shared_ptr<const Classifier> classifier;
        QString file, error;
    };
    struct Outcome {
        ClassifyResult result;
        bool cancelled = false;
    };
    void startLoad();
    void onLoadFinished();
    void startJob();
    void onJobFinished();

    std::shared_ptr<const Classifier> m_classifier;
    QString m_modelFile;
    QFutureWatcher<Load> m_load;
    QFutureWatcher<Outcome> m_job;
    std::optional<QString> m_nextModel;
    std::optional<ClassifyRequest> m_nextRequest;
    std::shared_ptr<CancelToken> m_cancel; // the running job's
    QFutureWatcher<void> m_batch;
    std::shared_ptr<CancelToken> m_batchCancel;
    std::optional<QStringList> m_nextBatch;
};

} // namespace cxr::ui
