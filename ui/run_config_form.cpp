// SPDX-License-Identifier: MIT
#include "run_config_form.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QThread>

#include "models/architecture.h"
#include "models/precision.h"
#include "preferences_dialog.h"

namespace cxr::ui {
namespace {

QDoubleSpinBox *probabilityBox(QWidget *parent) {
    auto *box = new QDoubleSpinBox(parent);
    box->setRange(0, 1);
    box->setSingleStep(0.05);
    box->setDecimals(2);
    return box;
}

// A preset defines everything but the sizes, epochs and seed, which the
// form keeps from `current` when a preset is chosen.
TrainConfig presetKeeping(TrainConfig preset, const TrainConfig &current) {
    preset.epochs = current.epochs;
    preset.batchSize = current.batchSize;
    preset.imageSize = current.imageSize;
    preset.seed = current.seed;
    return preset;
}

// Whether `c` is still preset `name` (where CheXNet's weights file lies
// does not count).
bool matchesPreset(const TrainConfig &c, const std::string &name) {
    const std::optional<TrainConfig> preset = presetConfig(name);
    if (!preset)
        return false;
    TrainConfig expected = presetKeeping(*preset, c);
    expected.preset = c.preset;
    expected.chexnetWeights = c.chexnetWeights;
    return differingFields(expected, c).empty();
}

} // namespace

// New runs go to the user's data folder (XDG_DATA_HOME/cxr-studio/runs,
// usually ~/.local/share/cxr-studio/runs), never next to the program.
QString RunConfigForm::defaultRunsFolder() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation))
        .filePath(QStringLiteral("cxr-studio/runs"));
}

RunConfigForm::RunConfigForm(QWidget *parent)
    : QGroupBox(tr("Run configuration"), parent), m_preset(new QComboBox(this)),
      m_task(new QComboBox(this)), m_arch(new QComboBox(this)), m_init(new QComboBox(this)),
      m_loss(new QComboBox(this)), m_sampler(new QComboBox(this)), m_freeze(new QComboBox(this)),
      m_precision(new QComboBox(this)), m_gamma(new QDoubleSpinBox(this)),
      m_hflip(probabilityBox(this)), m_vflip(probabilityBox(this)),
      m_rotation(probabilityBox(this)), m_lr(new QDoubleSpinBox(this)),
      m_valFraction(probabilityBox(this)), m_epochs(new QSpinBox(this)),
      m_batch(new QSpinBox(this)), m_imageSize(new QSpinBox(this)), m_seed(new QSpinBox(this)),
      m_runFolder(new QLineEdit(this)), m_threads(new QLabel(this)) {
    m_preset->setObjectName(QStringLiteral("preset"));
    m_init->setObjectName(QStringLiteral("init"));
    m_runFolder->setObjectName(QStringLiteral("runFolder"));
    m_threads->setObjectName(QStringLiteral("threads"));
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
    for (LossKind kind : {LossKind::CrossEntropy, LossKind::Focal})
        m_loss->addItem(QString::fromLatin1(lossName(kind)));
    for (SamplerKind kind : {SamplerKind::Shuffle, SamplerKind::Weighted})
        m_sampler->addItem(QString::fromLatin1(samplerName(kind)));
    for (Freeze kind : {Freeze::None, Freeze::Backbone})
        m_freeze->addItem(QString::fromLatin1(freezeName(kind)));
    // Auto's item says what it means on this machine.
    const bool nativeBf16 = cpuHasNativeBf16();
    m_precision->setObjectName(QStringLiteral("precision"));
    m_precision->addItem(nativeBf16 ? tr("auto (bf16 on this CPU)") : tr("auto (fp32 on this CPU)"),
                         QString::fromLatin1(precisionName(Precision::Auto)));
    for (Precision kind : {Precision::Fp32, Precision::Bf16})
        m_precision->addItem(QString::fromLatin1(precisionName(kind)),
                             QString::fromLatin1(precisionName(kind)));
    m_precision->setToolTip(tr(
        "The forward pass's arithmetic. bf16 computes convolutions in bfloat16 (about 1.5 times as "
        "fast where the CPU has native bfloat16) and keeps weights, optimiser and loss in "
        "float32; fp32 is float32 throughout."));
    m_gamma->setRange(0, 10);
    m_lr->setDecimals(6);
    m_lr->setRange(1e-6, 1);
    m_lr->setSingleStep(1e-4);
    m_epochs->setRange(1, 1000);
    m_batch->setRange(1, 512);
    m_batch->setToolTip(tr("Images per optimiser step (in a distributed job: over all ranks)"));
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
    auto *browseRun = new QPushButton(tr("…"), this);
    connect(browseRun, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Run folder"));
        if (!dir.isEmpty())
            setRunFolder(dir);
    });
    auto *runRow = new QHBoxLayout;
    runRow->addWidget(m_runFolder, 1);
    runRow->addWidget(browseRun);

    auto *form = new QFormLayout(this);
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
    form->addRow(tr("Arithmetic"), m_precision);
    form->addRow(tr("Run folder"), runRow);
    form->addRow(tr("Compute threads"), m_threads);

    connect(m_preset,
            qOverload<int>(&QComboBox::currentIndexChanged),
            this,
            &RunConfigForm::applyPreset);
    watchEdits();
    setConfig(TrainConfig{});
    m_autoFolder = newRunFolder();
    m_runFolder->setText(m_autoFolder);
    refreshPreferences();
}

void RunConfigForm::watchEdits() {
    for (QComboBox *box : {m_task, m_arch, m_loss, m_sampler, m_freeze, m_precision})
        connect(box, &QComboBox::currentTextChanged, this, &RunConfigForm::onEdited);
    connect(m_init, &QComboBox::editTextChanged, this, &RunConfigForm::onEdited);
    for (QDoubleSpinBox *box : {m_gamma, m_hflip, m_vflip, m_rotation, m_lr, m_valFraction})
        connect(box, &QDoubleSpinBox::valueChanged, this, &RunConfigForm::onEdited);
    for (QSpinBox *box : {m_epochs, m_batch, m_imageSize, m_seed})
        connect(box, &QSpinBox::valueChanged, this, &RunConfigForm::onEdited);
}

void RunConfigForm::refreshPreferences() {
    const int count = threads();
    m_threads->setText(
        count > 0 ? tr("%1 (set in Preferences)").arg(count)
                  : tr("%1, every core (set in Preferences)").arg(QThread::idealThreadCount()));
}

int RunConfigForm::threads() const { return PreferencesDialog::trainingThreads(); }

QString RunConfigForm::weightsCache() const { return PreferencesDialog::weightsCacheDir(); }

QString RunConfigForm::preset() const { return m_preset->currentData().toString(); }

void RunConfigForm::selectPreset(const QString &name) {
    m_preset->setCurrentIndex(std::max(0, m_preset->findData(name)));
}

QString RunConfigForm::runFolder() const { return m_runFolder->text(); }

void RunConfigForm::setRunFolder(const QString &path) {
    m_autoFolder.clear(); // the user's choice is kept whatever the preset
    m_runFolder->setText(path);
}

QString RunConfigForm::newRunFolder() const {
    const QString name = preset();
    return QDir(defaultRunsFolder())
        .filePath(QStringLiteral("%1-%2").arg(
            QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")),
            name.isEmpty() ? QStringLiteral("custom") : name.toLower()));
}

void RunConfigForm::applyPreset(int index) {
    const QString name = m_preset->itemData(index).toString();
    if (name.isEmpty() || m_filling)
        return;
    setConfig(presetKeeping(*presetConfig(name.toStdString()), config()));
    if (m_autoFolder == m_runFolder->text() || m_runFolder->text().isEmpty())
        m_runFolder->setText(m_autoFolder = newRunFolder());
}

void RunConfigForm::onEdited() {
    if (m_filling || preset().isEmpty())
        return;
    if (matchesPreset(config(), preset().toStdString()))
        return;
    m_filling = true;
    m_preset->setCurrentIndex(0); // "Custom"
    m_filling = false;
    if (!m_autoFolder.isEmpty() && m_autoFolder == m_runFolder->text())
        m_runFolder->setText(m_autoFolder = newRunFolder());
}

void RunConfigForm::setConfig(const TrainConfig &c) {
    m_filling = true;
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
    m_precision->setCurrentIndex(
        std::max(0, m_precision->findData(QString::fromLatin1(precisionName(c.precision)))));
    const int presetIndex = m_preset->findData(QString::fromStdString(c.preset));
    m_preset->setCurrentIndex(std::max(0, presetIndex));
    m_filling = false;
}

TrainConfig RunConfigForm::config(const TrainConfig &base) const {
    TrainConfig c = base;
    c.preset = preset().toStdString();
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
    c.precision = parsePrecision(m_precision->currentData().toString().toStdString())
                      .value_or(Precision::Auto);
    return c;
}

void RunConfigForm::setEditable(bool editable) {
    for (QWidget *w : findChildren<QWidget *>())
        if (w != m_threads)
            w->setEnabled(editable);
}

} // namespace cxr::ui
