// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>
#include <memory>

namespace cxr {
class CancelToken;
}

namespace cxr::ui {

// Writes a run's HTML report (core/report/run_report.h) on a worker thread:
// the Grad-CAM overlays take a few seconds. One report at a time; a new
// request cancels the one running.
class ReportTask : public QObject {
    Q_OBJECT
  public:
    explicit ReportTask(QObject *parent = nullptr);
    ~ReportTask() override;

    void start(const QString &runDir, const QString &out);
    void cancel();
    bool isRunning() const { return m_running; }

  Q_SIGNALS:
    void progress(int done, int total); // overlays drawn
    void written(const QString &out);
    void failed(const QString &message);

  private:
    std::shared_ptr<CancelToken> m_cancel;
    bool m_running = false;
    int m_generation = 0; // results of a superseded request are dropped
};

} // namespace cxr::ui
