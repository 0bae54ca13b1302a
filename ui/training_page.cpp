// SPDX-License-Identifier: MIT
#include "training_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTextCursor>
#include <QUrl>
#include <QVBoxLayout>

#include <QtConcurrent/QtConcurrentRun>

#include "report_task.h"
#include "run_config_form.h"
#include "run_follower.h"
#include "runs_table.h"
#include "training_charts.h"
#include "training_controller.h"

namespace cxr::ui {
namespace {

QString duration(double seconds) {
    const int s = static_cast<int>(seconds);
    return s >= 3600 ? QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s / 60) % 60)
                     : QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60);
}

} // namespace

TrainingPage::TrainingPage(QWidget *parent)
    : QWidget(parent), m_controller(new TrainingController(this)),
      m_charts(new TrainingCharts(this)), m_follower(new RunFollower(this)),
      m_datasetLabel(new QLabel(tr("No dataset: open one on the Dataset page"), this)),
      m_form(new RunConfigForm(this)), m_start(new QPushButton(tr("Start"), this)),
      m_stop(new QPushButton(tr("Stop"), this)), m_resume(new QPushButton(tr("Resume"), this)),
      m_progress(new QProgressBar(this)), m_speed(new QLabel(this)),
      m_log(new QPlainTextEdit(this)), m_views(new QTabWidget(this)), m_runs(new RunsTable(this)),
      m_report(new ReportTask(this)) {
    m_stop->setToolTip(tr("Stops at the next batch and keeps a checkpoint you can resume"));
    m_resume->setToolTip(tr("Continues the run in the run folder from its last checkpoint"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_stop);
    buttons->addWidget(m_resume);
    auto *openRun = new QPushButton(tr("Open run…"), this);
    auto *compare = new QPushButton(tr("Compare with run…"), this);
    connect(openRun, &QPushButton::clicked, this, &TrainingPage::openRun);
    connect(compare, &QPushButton::clicked, this, &TrainingPage::compareRun);
    auto *report = new QPushButton(tr("Write report…"), this);
    report->setObjectName(QStringLiteral("writeReport"));
    report->setToolTip(tr("One HTML file with the run's settings, curves, test results, plots "
                          "and Grad-CAM examples, to read offline or print to PDF"));
    connect(report, &QPushButton::clicked, this, &TrainingPage::saveReport);
    auto *runButtons = new QHBoxLayout;
    runButtons->addWidget(openRun);
    runButtons->addWidget(compare);
    runButtons->addWidget(report);
    connectReportTask();

    auto *formBox = new QWidget(this);
    auto *formLayout = new QVBoxLayout(formBox);
    m_datasetLabel->setWordWrap(true);
    formLayout->addWidget(m_datasetLabel);
    formLayout->addWidget(m_form);
    formLayout->addLayout(buttons);
    formLayout->addLayout(runButtons);
    formLayout->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(formBox);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFixedWidth(420);

    m_speed->setObjectName(QStringLiteral("speed"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setPlaceholderText(tr("The run's log appears here."));
    m_progress->setFormat(tr("idle"));
    m_progress->setValue(0);
    auto *status = new QHBoxLayout;
    status->addWidget(m_progress, 2);
    status->addWidget(m_speed, 1);

    auto *right = new QSplitter(Qt::Vertical, this);
    right->addWidget(m_charts);
    right->addWidget(m_log);
    right->setStretchFactor(0, 4);
    right->setStretchFactor(1, 1);
    // Past runs beside the live curves: tick some to overlay them there.
    m_runs->setFolder(RunConfigForm::defaultRunsFolder());
    m_views->setObjectName(QStringLiteral("views"));
    m_views->addTab(right, tr("Curves"));
    m_views->addTab(m_runs, tr("Past runs"));
    connect(m_views, &QTabWidget::currentChanged, this, [this](int index) {
        if (m_views->widget(index) == m_runs)
            m_runs->refresh();
    });
    connect(m_runs, &RunsTable::compareRequested, this, [this](const QStringList &runs) {
        for (const QString &run : runs)
            loadCurves(run, true);
        m_views->setCurrentIndex(0);
    });
    connect(m_runs, &RunsTable::openRequested, this, [this](const QString &run) {
        if (openRunFolder(run))
            m_views->setCurrentIndex(0);
    });
    auto *rightBox = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(rightBox);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addLayout(status);
    rightLayout->addWidget(m_views, 1);

    auto *layout = new QHBoxLayout(this);
    layout->addWidget(scroll);
    layout->addWidget(rightBox, 1);

    connect(m_start, &QPushButton::clicked, this, &TrainingPage::start);
    connect(m_stop, &QPushButton::clicked, this, &TrainingPage::stop);
    connect(m_resume, &QPushButton::clicked, this, &TrainingPage::resume);
    TrainingWorker *worker = m_controller->worker();
    connect(worker, &TrainingWorker::batchProgress, this, &TrainingPage::onBatch);
    connect(worker, &TrainingWorker::epochFinished, this, &TrainingPage::onEpoch);
    connect(worker, &TrainingWorker::logLine, this, &TrainingPage::appendLog);
    connect(worker, &TrainingWorker::failed, this, [this](const QString &message) {
        appendLog(tr("FAILED: %1").arg(message));
        m_progress->setFormat(tr("failed"));
        QMessageBox::warning(this, tr("Training failed"), message);
    });
    connect(worker, &TrainingWorker::cancelled, this, [this] {
        m_progress->setFormat(tr("stopped — Resume continues from the last checkpoint"));
        Q_EMIT statusMessage(tr("Training stopped; resumable"));
    });
    connect(worker, &TrainingWorker::finished, this, [this](const RunSummary &summary) {
        m_progress->setValue(m_progress->maximum());
        m_progress->setFormat(tr("finished: test accuracy %1, balanced %2")
                                  .arg(summary.test.accuracy, 0, 'f', 3)
                                  .arg(summary.test.balancedAccuracy, 0, 'f', 3));
        m_runs->refresh();
        Q_EMIT runFinished(QString::fromStdString(summary.runDir.string()));
    });
    connect(
        m_controller, &TrainingController::runningChanged, this, &TrainingPage::onRunningChanged);
    connect(m_follower, &RunFollower::updated, this, &TrainingPage::showFollowedRun);

    onRunningChanged(false);
}

TrainingPage::~TrainingPage() = default;

// A run another process writes (or a finished one): its curves, latest
// confusion matrix, log and where it stands, all from its folder.
void TrainingPage::showFollowedRun(const RunSnapshot &snapshot) {
    m_charts->showRun(snapshot.rows, QDir(m_follower->folder()).dirName(), false);
    if (snapshot.confusion)
        m_charts->showConfusion(*snapshot.confusion);
    m_log->setPlainText(snapshot.logTail);
    m_log->moveCursor(QTextCursor::End);
    m_speed->clear();
    int epochs = 0;
    for (const MetricsRow &row : snapshot.rows)
        epochs = std::max(epochs, row.epoch);
    const int planned = m_form->config().epochs;
    m_progress->setRange(0, std::max(1, planned));
    m_progress->setValue(std::min(epochs, planned));
    if (snapshot.finished && snapshot.testAccuracy >= 0)
        m_progress->setFormat(tr("finished: test accuracy %1, balanced %2 (%3)")
                                  .arg(snapshot.testAccuracy, 0, 'f', 3)
                                  .arg(snapshot.testBalancedAccuracy, 0, 'f', 3)
                                  .arg(m_follower->folder()));
    else if (snapshot.finished)
        m_progress->setFormat(tr("finished (run folder %1)").arg(m_follower->folder()));
    else
        m_progress->setFormat(tr("%1 of %2 epochs in the run folder").arg(epochs).arg(planned));
}

bool TrainingPage::isTraining() const { return m_controller->isRunning(); }

void TrainingPage::setDataset(const QString &path) {
    if (path != m_dataset)
        m_excluded.clear(); // an audit's list belongs to its dataset
    m_dataset = path;
    showDatasetLabel();
    onRunningChanged(isTraining());
}

void TrainingPage::setExcluded(const QStringList &paths) {
    m_excluded = paths;
    showDatasetLabel();
}

void TrainingPage::showDatasetLabel() {
    QString text = tr("Dataset: <b>%1</b>").arg(m_dataset.toHtmlEscaped());
    if (!m_excluded.isEmpty())
        text += tr("<br>Leaving out <b>%1</b> images the audit flagged").arg(m_excluded.size());
    m_datasetLabel->setText(text);
}

void TrainingPage::setRunFolder(const QString &path) { m_form->setRunFolder(path); }

void TrainingPage::setConfig(const TrainConfig &c) { m_form->setConfig(c); }

TrainConfig TrainingPage::config(const TrainConfig &base) const { return m_form->config(base); }

void TrainingPage::refreshPreferences() { m_form->refreshPreferences(); }

void TrainingPage::start() {
    if (m_dataset.isEmpty()) {
        QMessageBox::information(
            this, tr("Training"), tr("Open a dataset on the Dataset page first."));
        return;
    }
    // Threads and the weights cache come from Preferences: they say how a
    // run computes, not what, so the form does not hold them.
    TrainConfig c = config();
    for (const QString &path : m_excluded)
        c.excluded.push_back(path.toStdString());
    c.threads = m_form->threads();
    c.weightsCache = m_form->weightsCache().toStdString();
    try {
        validate(c);
    } catch (const std::exception &e) {
        QMessageBox::warning(this, tr("Training"), QString::fromStdString(e.what()));
        return;
    }
    m_follower->stop();
    // The curves on show stay until the new run has trained a batch: a start
    // that fails (a folder in use, a missing file) must not wipe them.
    m_clearChartsOnFirstBatch = true;
    m_log->clear();
    m_progress->setRange(0, 0);
    m_progress->setFormat(tr("preparing…"));
    appendLog(tr("run folder: %1").arg(m_form->runFolder()));
    m_controller->start(c, m_dataset, m_form->runFolder());
}

void TrainingPage::stop() {
    m_controller->requestStop();
    m_progress->setFormat(tr("stopping: saving a checkpoint to resume from…"));
}

void TrainingPage::resume() {
    if (m_dataset.isEmpty()) {
        QMessageBox::information(
            this, tr("Training"), tr("Open the run's dataset on the Dataset page first."));
        return;
    }
    const QString dir = m_form->runFolder();
    TrainConfig stored;
    try {
        stored = RunDirectory::readConfig(dir.toStdString());
    } catch (const std::exception &e) {
        QMessageBox::warning(this, tr("Resume"), QString::fromStdString(e.what()));
        return;
    }
    // A run continues with the settings it started with, never the form's:
    // say which edited fields are set aside, and show the run's own.
    const std::vector<std::string> edited = differingFields(stored, config(stored));
    if (!edited.empty()) {
        QStringList names;
        for (const std::string &field : edited)
            names << QString::fromStdString(field);
        QMessageBox::information(
            this,
            tr("Resume"),
            tr("The form differs from the run in: %1.\n\nA run resumes with the settings it "
               "was started with; the form now shows them. To train with the new settings, "
               "press Start with a new run folder.")
                .arg(names.join(QStringLiteral(", "))));
    }
    setConfig(stored);
    m_follower->stop();
    m_progress->setRange(0, 0);
    m_progress->setFormat(tr("resuming…"));
    // The earlier epochs first, so that the resumed run's epochs follow them.
    loadCurves(
        dir, false, [this, dir] { m_controller->resume(m_dataset, dir, m_form->threads()); });
}

bool TrainingPage::openRunFolder(const QString &dir) {
    TrainConfig stored;
    try {
        stored = RunDirectory::readConfig(dir.toStdString());
    } catch (const std::exception &e) {
        QMessageBox::warning(this, tr("Open run"), QString::fromStdString(e.what()));
        return false;
    }
    setConfig(stored);
    m_form->setRunFolder(dir);
    // Nothing of the run shown before stays: curves, matrix, log and status
    // all come from this folder.
    m_charts->clear();
    m_log->clear();
    m_speed->clear();
    m_progress->setRange(0, 0);
    m_progress->setFormat(tr("reading %1…").arg(dir));
    m_follower->follow(dir);
    Q_EMIT statusMessage(tr("Showing %1").arg(dir));
    return true;
}

void TrainingPage::openRun() {
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Open a run folder"), RunConfigForm::defaultRunsFolder());
    if (!dir.isEmpty())
        openRunFolder(dir);
}

void TrainingPage::compareRun() {
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Compare with a run folder"), RunConfigForm::defaultRunsFolder());
    if (dir.isEmpty())
        return;
    if (!RunDirectory::isRun(dir.toStdString())) {
        QMessageBox::warning(this, tr("Compare"), tr("%1 holds no run (no config.json).").arg(dir));
        return;
    }
    loadCurves(dir, true);
}

void TrainingPage::saveReport() {
    const QString dir = m_form->runFolder();
    if (!RunDirectory::isRun(dir.toStdString())) {
        QMessageBox::information(
            this,
            tr("Write report"),
            tr("The run folder %1 holds no run yet: start a run, or open one with Open run….")
                .arg(dir));
        return;
    }
    const QString out =
        QFileDialog::getSaveFileName(this,
                                     tr("Write the run's report"),
                                     QDir(dir).filePath(QStringLiteral("report.html")),
                                     tr("HTML report (*.html)"));
    if (!out.isEmpty())
        writeReport(dir, out);
}

void TrainingPage::writeReport(const QString &runDir, const QString &out) {
    appendLog(tr("writing the report of %1 to %2").arg(runDir, out));
    Q_EMIT statusMessage(tr("Writing the report…"));
    m_report->start(runDir, out);
}

void TrainingPage::connectReportTask() {
    connect(m_report, &ReportTask::progress, this, [this](int done, int total) {
        Q_EMIT statusMessage(
            tr("Writing the report: Grad-CAM example %1 of %2").arg(done).arg(total));
    });
    connect(m_report, &ReportTask::written, this, [this](const QString &out) {
        appendLog(tr("report written: %1").arg(out));
        Q_EMIT statusMessage(tr("Report written: %1").arg(out));
        Q_EMIT reportWritten(out);
        if (m_openReports)
            QDesktopServices::openUrl(QUrl::fromLocalFile(out));
    });
    connect(m_report, &ReportTask::failed, this, [this](const QString &message) {
        appendLog(tr("report not written: %1").arg(message));
        Q_EMIT statusMessage(tr("Report not written: %1").arg(message));
    });
}

void TrainingPage::loadCurves(const QString &dir, bool asComparison, std::function<void()> then) {
    auto *watcher = new QFutureWatcher<RunSnapshot>(this);
    connect(watcher,
            &QFutureWatcherBase::finished,
            this,
            [this, watcher, dir, asComparison, then = std::move(then)] {
                watcher->deleteLater();
                const RunSnapshot snapshot = watcher->result();
                m_charts->showRun(snapshot.rows, QDir(dir).dirName(), asComparison);
                if (!asComparison && snapshot.confusion)
                    m_charts->showConfusion(*snapshot.confusion);
                if (then)
                    then();
            });
    watcher->setFuture(QtConcurrent::run([dir] { return RunSnapshot::read(dir); }));
}

void TrainingPage::onBatch(const BatchProgress &p) {
    if (std::exchange(m_clearChartsOnFirstBatch, false))
        m_charts->clear();
    const int total = static_cast<int>(p.batches) * p.epochs;
    m_progress->setRange(0, total);
    m_progress->setValue(static_cast<int>(p.batches) * (p.epoch - 1) + static_cast<int>(p.batch));
    m_progress->setFormat(tr("epoch %1/%2 · batch %3/%4 · loss %5 · acc %6")
                              .arg(p.epoch)
                              .arg(p.epochs)
                              .arg(p.batch)
                              .arg(p.batches)
                              .arg(p.loss, 0, 'f', 3)
                              .arg(p.accuracy, 0, 'f', 3));
    m_speed->setText(
        tr("%1 images/s · ETA %2").arg(p.imagesPerSecond, 0, 'f', 1).arg(duration(p.etaSeconds)));
    m_charts->addBatch(p);
}

void TrainingPage::onEpoch(const EpochReport &report) { m_charts->addEpoch(report); }

void TrainingPage::appendLog(const QString &line) { m_log->appendPlainText(line); }

void TrainingPage::onRunningChanged(bool running) {
    m_start->setEnabled(!running && !m_dataset.isEmpty());
    m_resume->setEnabled(!running && !m_dataset.isEmpty());
    m_stop->setEnabled(running);
    m_form->setEditable(!running);
    if (!running) {
        m_speed->clear(); // a rate and an ETA mean nothing once a run has ended
        m_clearChartsOnFirstBatch = false;
    }
    if (!running && m_progress->maximum() == 0)
        m_progress->setRange(0, 1);
}

} // namespace cxr::ui
