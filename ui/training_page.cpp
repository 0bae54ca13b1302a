// SPDX-License-Identifier: MIT
#include "training_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
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
#include <QTextCursor>
#include <QVBoxLayout>

#include <QtConcurrent/QtConcurrentRun>

#include "preferences_dialog.h"
#include "run_follower.h"
#include "training_charts.h"
#include "training_controller.h"

namespace cxr::ui {
namespace {

// New runs go to the user's data folder (XDG_DATA_HOME/cxr-studio/runs,
// usually ~/.local/share/cxr-studio/runs), never next to the program.
QString defaultRunsFolder() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation))
        .filePath(QStringLiteral("cxr-studio/runs"));
}

QDoubleSpinBox *probabilityBox(QWidget *parent) {
    auto *box = new QDoubleSpinBox(parent);
    box->setRange(0, 1);
    box->setSingleStep(0.05);
    box->setDecimals(2);
    return box;
}

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
      m_runFolder(new QLineEdit(this)), m_preset(new QComboBox(this)), m_task(new QComboBox(this)),
      m_arch(new QComboBox(this)), m_init(new QComboBox(this)), m_loss(new QComboBox(this)),
      m_sampler(new QComboBox(this)), m_freeze(new QComboBox(this)),
      m_gamma(new QDoubleSpinBox(this)), m_hflip(probabilityBox(this)),
      m_vflip(probabilityBox(this)), m_rotation(probabilityBox(this)),
      m_lr(new QDoubleSpinBox(this)), m_valFraction(probabilityBox(this)),
      m_epochs(new QSpinBox(this)), m_batch(new QSpinBox(this)), m_imageSize(new QSpinBox(this)),
      m_seed(new QSpinBox(this)), m_start(new QPushButton(tr("Start"), this)),
      m_stop(new QPushButton(tr("Stop"), this)), m_resume(new QPushButton(tr("Resume"), this)),
      m_progress(new QProgressBar(this)), m_speed(new QLabel(this)),
      m_log(new QPlainTextEdit(this)) {
    // Long preset descriptions must not widen the form: show a short text,
    // the full one in the drop-down list.
    m_preset->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_preset->setMinimumContentsLength(18);
    m_init->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_init->setMinimumContentsLength(14);
    m_preset->addItem(tr("Custom"));
    for (const Preset &p : presets())
        m_preset->addItem(QStringLiteral("%1 — %2").arg(p.name, p.description),
                          QString::fromLatin1(p.name));
    for (const TaskInfo &task : tasks()) {
        m_task->addItem(QString::fromLatin1(task.name));
        m_task->setItemData(m_task->count() - 1, tr(task.description), Qt::ToolTipRole);
    }
    for (const ArchitectureInfo &arch : architectures())
        m_arch->addItem(QString::fromLatin1(arch.name));
    m_init->setEditable(true);
    m_init->addItems(
        {QStringLiteral("imagenet"), QStringLiteral("chexnet"), QStringLiteral("scratch")});
    m_init->setToolTip(tr("imagenet (downloaded), chexnet (needs model.pth.tar: Browse…), scratch, "
                          "or any PyTorch weights / CXR Studio model file"));
    m_loss->addItems({QStringLiteral("ce"), QStringLiteral("focal")});
    m_sampler->addItems({QStringLiteral("none"), QStringLiteral("weighted")});
    m_freeze->addItems({QStringLiteral("none"), QStringLiteral("backbone")});
    m_gamma->setRange(0, 10);
    m_lr->setDecimals(6);
    m_lr->setRange(1e-6, 1);
    m_lr->setSingleStep(1e-4);
    m_epochs->setRange(1, 1000);
    m_batch->setRange(1, 512);
    m_imageSize->setRange(32, 1024);
    m_imageSize->setSingleStep(32);
    m_seed->setRange(0, 1 << 30);
    m_valFraction->setRange(0, 0.9);

    auto *browseInit = new QPushButton(tr("Browse…"), this);
    connect(browseInit, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(
            this, tr("Initial weights"), {}, tr("PyTorch files (*.pt *.pth *.tar);;All files (*)"));
        if (!file.isEmpty())
            m_init->setEditText(file);
    });
    auto *initRow = new QHBoxLayout;
    initRow->addWidget(m_init, 1);
    initRow->addWidget(browseInit);

    auto *form = new QFormLayout;
    form->addRow(tr("Preset (Table 1)"), m_preset);
    form->addRow(tr("Task"), m_task);
    form->addRow(tr("Architecture"), m_arch);
    form->addRow(tr("Initial weights"), initRow);
    form->addRow(tr("Loss"), m_loss);
    form->addRow(tr("Focal gamma"), m_gamma);
    form->addRow(tr("Sampler"), m_sampler);
    form->addRow(tr("Horizontal flip p"), m_hflip);
    form->addRow(tr("Vertical flip p"), m_vflip);
    form->addRow(tr("Rotation p"), m_rotation);
    form->addRow(tr("Epochs"), m_epochs);
    form->addRow(tr("Batch size"), m_batch);
    form->addRow(tr("Image size (px)"), m_imageSize);
    form->addRow(tr("Learning rate"), m_lr);
    form->addRow(tr("Validation fraction"), m_valFraction);
    form->addRow(tr("Seed"), m_seed);
    form->addRow(tr("Freeze"), m_freeze);

    auto *browseRun = new QPushButton(tr("…"), this);
    connect(browseRun, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Run folder"));
        if (!dir.isEmpty())
            m_runFolder->setText(dir);
    });
    auto *runRow = new QHBoxLayout;
    runRow->addWidget(m_runFolder, 1);
    runRow->addWidget(browseRun);
    form->addRow(tr("Run folder"), runRow);

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
    auto *runButtons = new QHBoxLayout;
    runButtons->addWidget(openRun);
    runButtons->addWidget(compare);

    auto *formBox = new QGroupBox(tr("Run configuration"), this);
    auto *formLayout = new QVBoxLayout(formBox);
    m_datasetLabel->setWordWrap(true);
    formLayout->addWidget(m_datasetLabel);
    formLayout->addLayout(form);
    formLayout->addLayout(buttons);
    formLayout->addLayout(runButtons);
    formLayout->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(formBox);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFixedWidth(420);

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
    auto *rightBox = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(rightBox);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addLayout(status);
    rightLayout->addWidget(right, 1);

    auto *layout = new QHBoxLayout(this);
    layout->addWidget(scroll);
    layout->addWidget(rightBox, 1);

    connect(m_preset,
            qOverload<int>(&QComboBox::currentIndexChanged),
            this,
            &TrainingPage::applyPreset);
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
        Q_EMIT runFinished(QString::fromStdString(summary.runDir.string()));
    });
    connect(
        m_controller, &TrainingController::runningChanged, this, &TrainingPage::onRunningChanged);
    connect(m_follower,
            &RunFollower::updated,
            this,
            [this](const std::vector<MetricsRow> &rows, const QString &logTail, bool finished) {
                m_charts->showRun(rows, QDir(m_follower->folder()).dirName(), false);
                m_log->setPlainText(logTail);
                m_log->moveCursor(QTextCursor::End);
                int epochs = 0;
                for (const MetricsRow &row : rows)
                    epochs = std::max(epochs, row.epoch);
                m_progress->setRange(0, std::max(1, m_epochs->value()));
                m_progress->setValue(std::min(epochs, m_epochs->value()));
                m_progress->setFormat(
                    finished ? tr("finished (run folder %1)").arg(m_follower->folder())
                             : tr("followed: %1 of %2 epochs written by another process")
                                   .arg(epochs)
                                   .arg(m_epochs->value()));
            });

    setConfig(TrainConfig{});
    m_runFolder->setText(newRunFolder());
    onRunningChanged(false);
}

TrainingPage::~TrainingPage() = default;

bool TrainingPage::isTraining() const { return m_controller->isRunning(); }

void TrainingPage::setDataset(const QString &path) {
    m_dataset = path;
    m_datasetLabel->setText(tr("Dataset: <b>%1</b>").arg(path.toHtmlEscaped()));
    onRunningChanged(isTraining());
}

void TrainingPage::setRunFolder(const QString &path) { m_runFolder->setText(path); }

QString TrainingPage::newRunFolder() const {
    const QString preset = m_preset->currentData().toString();
    return QDir(defaultRunsFolder())
        .filePath(QStringLiteral("%1-%2").arg(
            QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")),
            preset.isEmpty() ? QStringLiteral("custom") : preset.toLower()));
}

void TrainingPage::applyPreset(int index) {
    const QString name = m_preset->itemData(index).toString();
    if (name.isEmpty())
        return;
    TrainConfig preset = *presetConfig(name.toStdString());
    // Keep what does not define the preset (sizes, epochs, seed).
    const TrainConfig current = config();
    preset.epochs = current.epochs;
    preset.batchSize = current.batchSize;
    preset.imageSize = current.imageSize;
    preset.seed = current.seed;
    setConfig(preset);
    if (!isTraining())
        m_runFolder->setText(newRunFolder());
}

void TrainingPage::setConfig(const TrainConfig &c) {
    m_task->setCurrentText(QString::fromLatin1(taskName(c.task)));
    m_arch->setCurrentText(QString::fromLatin1(architectureName(c.arch)));
    m_init->setEditText(QString::fromStdString(
        c.init == "chexnet" && !c.chexnetWeights.empty() ? c.chexnetWeights : c.init));
    m_loss->setCurrentText(QString::fromLatin1(lossName(c.loss.kind)));
    m_gamma->setValue(c.loss.gamma);
    m_sampler->setCurrentText(QString::fromLatin1(samplerName(c.sampler)));
    m_hflip->setValue(c.augmentation.hflipProbability);
    m_vflip->setValue(c.augmentation.vflipProbability);
    m_rotation->setValue(c.augmentation.rotationProbability);
    m_epochs->setValue(c.epochs);
    m_batch->setValue(c.batchSize);
    m_imageSize->setValue(c.imageSize);
    m_lr->setValue(c.learningRate);
    m_valFraction->setValue(c.valFraction);
    m_seed->setValue(static_cast<int>(c.seed));
    m_freeze->setCurrentText(QString::fromLatin1(freezeName(c.freeze)));
}

TrainConfig TrainingPage::config(const TrainConfig &base) const {
    TrainConfig c = base;
    c.preset = m_preset->currentData().toString().toStdString();
    c.task = parseTask(m_task->currentText().toStdString()).value_or(Task::FourClass);
    c.arch =
        parseArchitecture(m_arch->currentText().toStdString()).value_or(Architecture::ResNet50);
    const std::string init = m_init->currentText().trimmed().toStdString();
    const bool chexnetPreset = c.preset == "PDCXCE" || c.preset == "PDCXFL";
    if (chexnetPreset && init != "chexnet" && init != "imagenet" && init != "scratch") {
        c.init = "chexnet";
        c.chexnetWeights = init;
    } else {
        c.init = init;
    }
    c.loss.kind = parseLoss(m_loss->currentText().toStdString()).value_or(LossKind::CrossEntropy);
    c.loss.gamma = m_gamma->value();
    c.sampler = parseSampler(m_sampler->currentText().toStdString()).value_or(SamplerKind::Shuffle);
    c.augmentation.hflipProbability = m_hflip->value();
    c.augmentation.vflipProbability = m_vflip->value();
    c.augmentation.rotationProbability = m_rotation->value();
    c.epochs = m_epochs->value();
    c.batchSize = m_batch->value();
    c.imageSize = m_imageSize->value();
    c.learningRate = m_lr->value();
    c.valFraction = m_valFraction->value();
    c.seed = static_cast<std::uint64_t>(m_seed->value());
    c.freeze = parseFreeze(m_freeze->currentText().toStdString()).value_or(Freeze::None);
    return c;
}

void TrainingPage::start() {
    if (m_dataset.isEmpty()) {
        QMessageBox::information(
            this, tr("Training"), tr("Open a dataset on the Dataset page first."));
        return;
    }
    const TrainConfig c = config();
    try {
        validate(c);
    } catch (const std::exception &e) {
        QMessageBox::warning(this, tr("Training"), QString::fromStdString(e.what()));
        return;
    }
    m_follower->stop();
    m_charts->clear();
    m_log->clear();
    m_progress->setRange(0, 0);
    m_progress->setFormat(tr("preparing…"));
    appendLog(tr("run folder: %1").arg(m_runFolder->text()));
    m_controller->start(c, m_dataset, m_runFolder->text());
}

void TrainingPage::stop() {
    m_controller->requestStop();
    m_progress->setFormat(tr("stopping at the next batch…"));
}

void TrainingPage::resume() {
    if (m_dataset.isEmpty()) {
        QMessageBox::information(
            this, tr("Training"), tr("Open the run's dataset on the Dataset page first."));
        return;
    }
    const QString dir = m_runFolder->text();
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
    loadCurves(dir, false, [this, dir] { m_controller->resume(m_dataset, dir); });
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
    m_runFolder->setText(dir);
    m_follower->follow(dir);
    Q_EMIT statusMessage(tr("Showing %1").arg(dir));
    return true;
}

void TrainingPage::openRun() {
    const QString dir =
        QFileDialog::getExistingDirectory(this, tr("Open a run folder"), defaultRunsFolder());
    if (!dir.isEmpty())
        openRunFolder(dir);
}

void TrainingPage::compareRun() {
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Compare with a run folder"), defaultRunsFolder());
    if (dir.isEmpty())
        return;
    if (!RunDirectory::isRun(dir.toStdString())) {
        QMessageBox::warning(this, tr("Compare"), tr("%1 holds no run (no config.json).").arg(dir));
        return;
    }
    loadCurves(dir, true);
}

void TrainingPage::loadCurves(const QString &dir, bool asComparison, std::function<void()> then) {
    auto *watcher = new QFutureWatcher<std::vector<MetricsRow>>(this);
    connect(watcher,
            &QFutureWatcherBase::finished,
            this,
            [this, watcher, dir, asComparison, then = std::move(then)] {
                watcher->deleteLater();
                m_charts->showRun(watcher->result(), QDir(dir).dirName(), asComparison);
                if (then)
                    then();
            });
    const std::filesystem::path path = dir.toStdString();
    watcher->setFuture(QtConcurrent::run([path] { return RunDirectory::readMetrics(path); }));
}

void TrainingPage::onBatch(const BatchProgress &p) {
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
    for (QWidget *w : std::initializer_list<QWidget *>{m_preset,
                                                       m_task,
                                                       m_arch,
                                                       m_init,
                                                       m_loss,
                                                       m_sampler,
                                                       m_freeze,
                                                       m_gamma,
                                                       m_hflip,
                                                       m_vflip,
                                                       m_rotation,
                                                       m_lr,
                                                       m_valFraction,
                                                       m_epochs,
                                                       m_batch,
                                                       m_imageSize,
                                                       m_seed,
                                                       m_runFolder})
        w->setEnabled(!running);
    if (!running && m_progress->maximum() == 0)
        m_progress->setRange(0, 1);
}

} // namespace cxr::ui
