// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>
#include <functional>
#include <memory>
#include <vector>

#include "train/run_directory.h"
#include "train/train_config.h"
#include "train/train_events.h"

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTabWidget;

namespace cxr::ui {

class ReportTask;
class RunConfigForm;
class RunFollower;
class RunsTable;
struct RunSnapshot;
class TrainingCharts;
class TrainingController;

// The Training page: a form for the run configuration (a Table 1 preset
// fills it), Start / Stop / Resume, a progress bar with images/s and ETA,
// live charts, and the run's log. Training runs on TrainingController's
// thread; this page only receives its signals.
class TrainingPage : public QWidget {
    Q_OBJECT
  public:
    explicit TrainingPage(QWidget *parent = nullptr);
    ~TrainingPage() override;

    void setDataset(const QString &path);
    void setRunFolder(const QString &path);
    // Images new runs leave out (paths relative to the dataset folder, from
    // the Dataset page's audit); shown under the dataset, cleared with a new
    // dataset.
    void setExcluded(const QStringList &paths);
    QStringList excluded() const { return m_excluded; }
    // What the form says, on top of `base` for the settings the form does
    // not show (rotation angle, focal alpha, threads, ...).
    TrainConfig config(const TrainConfig &base = {}) const;
    void setConfig(const TrainConfig &config);
    // Shows the run in `dir`: its configuration in the form, its curves and
    // log, and follows it while another process (a CLI or torchrun job)
    // writes it. Returns false (and says why) when `dir` holds no run.
    bool openRunFolder(const QString &dir);
    RunFollower *follower() const { return m_follower; }
    bool isTraining() const;
    TrainingController *controller() const { return m_controller; }
    TrainingCharts *charts() const { return m_charts; }
    RunConfigForm *form() const { return m_form; }
    RunsTable *runsTable() const { return m_runs; }
    // Writes the HTML report of the run in `runDir` to `out` in the
    // background (reportWritten or a logged failure follows) and, unless
    // turned off, opens it in the browser.
    void writeReport(const QString &runDir, const QString &out);
    void setOpenWrittenReports(bool open) { m_openReports = open; }
    ReportTask *reportTask() const { return m_report; }
    // Rereads Preferences (compute threads, weights cache).
    void refreshPreferences();

  public Q_SLOTS:
    void start();
    void stop();
    void resume();
    void openRun();
    void compareRun();
    // Asks where to save the report of the run in the form's run folder.
    void saveReport();

  Q_SIGNALS:
    void statusMessage(const QString &message);
    void runFinished(const QString &runDir); // a new best.pt exists there
    void reportWritten(const QString &file);

  private:
    // Reads the run's metrics.csv on a worker thread, plots it, then calls
    // `then` (on the GUI thread).
    void loadCurves(const QString &dir, bool asComparison, std::function<void()> then = {});
    void connectReportTask();
    void showDatasetLabel();
    void onBatch(const BatchProgress &progress);
    void onEpoch(const EpochReport &report);
    void onRunningChanged(bool running);
    void appendLog(const QString &line);
    void showFollowedRun(const RunSnapshot &snapshot);

    TrainingController *m_controller;
    TrainingCharts *m_charts;
    RunFollower *m_follower;
    QString m_dataset;
    QStringList m_excluded;

    QLabel *m_datasetLabel;
    RunConfigForm *m_form;
    QPushButton *m_start, *m_stop, *m_resume;
    QProgressBar *m_progress;
    QLabel *m_speed;
    QPlainTextEdit *m_log;
    QTabWidget *m_views; // the live curves and the past runs
    RunsTable *m_runs;
    ReportTask *m_report;
    bool m_openReports = true;
    bool m_clearChartsOnFirstBatch = false;
};

} // namespace cxr::ui
