// SPDX-License-Identifier: MIT
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <memory>
#include <optional>

#include "eval/evaluation.h"
#include "eval/operating_point.h"

namespace cxr {
class CancelToken;
}

Q_DECLARE_METATYPE(std::shared_ptr<const cxr::Evaluation>)

namespace cxr::ui {

// Runs the Evaluation page's slow work off the GUI thread: scanning the
// dataset and evaluating a model on a split (a few seconds to minutes), and
// writing an operating point into a model file (about a second). Never
// blocks the caller: a new evaluation cancels the one that runs and starts
// when that one stops (at its next batch); the replaced one reports
// nothing.
class EvaluationRunner : public QObject {
    Q_OBJECT
  public:
    explicit EvaluationRunner(QObject *parent = nullptr);
    ~EvaluationRunner() override; // cancels, then waits for the running pass

    void evaluate(const QString &model, const QString &dataset, cxr::Split split);
    void cancel();
    bool isEvaluating() const { return m_job.isRunning(); }

    // Replaces the model's operating point for `point.className` (others
    // stay), writing the file atomically; saved or saveFailed follows.
    void saveOperatingPoint(const QString &model, const cxr::OperatingPoint &point);
    bool isSaving() const { return m_save.isRunning(); }

  Q_SIGNALS:
    void progress(int done, int total);
    void evaluated(const QString &model, std::shared_ptr<const cxr::Evaluation> evaluation);
    void failed(const QString &error);
    void cancelled();
    void saved(const QString &model);
    void saveFailed(const QString &error);

  private:
    struct Request {
        QString model, dataset;
        cxr::Split split;
    };
    struct Outcome {
        QString model;
        std::shared_ptr<const Evaluation> evaluation;
        QString error;
        bool cancelled = false;
    };
    void onFinished();
    void start(const Request &request);

    QFutureWatcher<Outcome> m_job;
    QFutureWatcher<QString> m_save; // the error, empty on success
    QString m_saving;
    std::shared_ptr<CancelToken> m_cancel;
    std::optional<Request> m_next; // asked for while another ran
};

} // namespace cxr::ui
