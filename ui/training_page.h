// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>
#include <functional>
#include <memory>
#include <vector>

#include "train/run_directory.h"
#include "train/train_config.h"
#include "train/train_events.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace cxr::ui {

class RunFollower;
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

  public Q_SLOTS:
    void start();
    void stop();
    void resume();
    void openRun();
    void compareRun();

  Q_SIGNALS:
    void statusMessage(const QString &message);
    void runFinished(const QString &runDir); // a new best.pt exists there

  private:
    // Reads the run's metrics.csv on a worker thread, plots it, then calls
    // `then` (on the GUI thread).
    void loadCurves(const QString &dir, bool asComparison, std::function<void()> then = {});
    void applyPreset(int index);
    void onBatch(const BatchProgress &progress);
    void onEpoch(const EpochReport &report);
    void onRunningChanged(bool running);
    void appendLog(const QString &line);
    QString newRunFolder() const;

    TrainingController *m_controller;
    TrainingCharts *m_charts;
    RunFollower *m_follower;
    QString m_dataset;

    QLabel *m_datasetLabel;
    QLineEdit *m_runFolder;
    QComboBox *m_preset, *m_task, *m_arch, *m_init, *m_loss, *m_sampler, *m_freeze;
    QDoubleSpinBox *m_gamma, *m_hflip, *m_vflip, *m_rotation, *m_lr, *m_valFraction;
    QSpinBox *m_epochs, *m_batch, *m_imageSize, *m_seed;
    QPushButton *m_start, *m_stop, *m_resume;
    QProgressBar *m_progress;
    QLabel *m_speed;
    QPlainTextEdit *m_log;
};

} // namespace cxr::ui
