// SPDX-License-Identifier: MIT
#include "evaluation_page.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "eval/calibration.h"
#include "evaluation_plots.h"
#include "evaluation_runner.h"
#include "qcustomplot_include.h"

namespace cxr::ui {
namespace {

constexpr int kSliderSteps = 1000; // threshold resolution 0.001

QString withInterval(double value, const Interval &interval) {
    if (std::isnan(value))
        return QStringLiteral("-");
    if (std::isnan(interval.low) || std::isnan(interval.high))
        return QString::number(value, 'f', 3);
    return QStringLiteral("%1 (%2–%3)")
        .arg(value, 0, 'f', 3)
        .arg(interval.low, 0, 'f', 2)
        .arg(interval.high, 0, 'f', 2);
}

QCustomPlot *makePlot(QWidget *parent) {
    auto *plot = new QCustomPlot(parent);
    plot->setMinimumSize(360, 300);
    return plot;
}

} // namespace

EvaluationPage::EvaluationPage(QWidget *parent)
    : QWidget(parent), m_runner(new EvaluationRunner(this)), m_modelLabel(new QLabel(this)),
      m_datasetLabel(new QLabel(this)), m_message(new QLabel(this)), m_summary(new QLabel(this)),
      m_pointText(new QLabel(this)), m_split(new QComboBox(this)),
      m_pointClass(new QComboBox(this)), m_evaluate(new QPushButton(tr("Evaluate"), this)),
      m_cancel(new QPushButton(tr("Cancel"), this)),
      m_youden(new QPushButton(tr("Youden's threshold"), this)),
      m_save(new QPushButton(tr("Save into model"), this)), m_progress(new QProgressBar(this)),
      m_table(new QTableWidget(this)), m_roc(makePlot(this)), m_pr(makePlot(this)),
      m_reliability(makePlot(this)), m_slider(new QSlider(Qt::Horizontal, this)) {
    setObjectName(QStringLiteral("evaluationPage"));
    m_evaluate->setObjectName(QStringLiteral("evaluateButton"));
    m_slider->setObjectName(QStringLiteral("thresholdSlider"));
    m_reliability->setObjectName(QStringLiteral("reliabilityPlot"));
    auto *notice = new QLabel(tr("Research and teaching software — <b>not for clinical use</b>. "
                                 "Intervals are 95% bootstrap intervals over the images."),
                              this);
    m_message->setWordWrap(true);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    setUpTable();
    auto *plots = new QTabWidget(this);
    plots->addTab(m_roc, tr("ROC"));
    plots->addTab(m_pr, tr("Precision-recall"));
    plots->addTab(m_reliability, tr("Reliability"));

    // The table across the page; below it the operating point beside the
    // plots, which get the rest of the height.
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(buildOperatingPointBox());
    leftLayout->addStretch(1);
    splitter->addWidget(left);
    splitter->addWidget(plots);
    splitter->setSizes({480, 820});

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buildInputs());
    layout->addWidget(notice);
    layout->addWidget(m_message);
    layout->addWidget(m_summary);
    layout->addWidget(m_table);
    layout->addWidget(splitter, 1);

    connect(m_evaluate, &QPushButton::clicked, this, &EvaluationPage::evaluate);
    connect(m_cancel, &QPushButton::clicked, m_runner, &EvaluationRunner::cancel);
    connectRunner();
    setBusy(false);
}

QLayout *EvaluationPage::buildInputs() {
    auto *chooseModelButton = new QPushButton(tr("Choose model…"), this);
    for (const char *split : {"test", "val", "train"})
        m_split->addItem(QString::fromLatin1(split));
    m_modelLabel->setText(tr("no model chosen"));
    m_datasetLabel->setText(tr("open a dataset on the Dataset page"));
    m_cancel->setEnabled(false);
    m_progress->setVisible(false);

    auto *inputs = new QHBoxLayout;
    inputs->addWidget(new QLabel(tr("Model:"), this));
    inputs->addWidget(m_modelLabel, 1);
    inputs->addWidget(chooseModelButton);
    inputs->addSpacing(12);
    inputs->addWidget(new QLabel(tr("Dataset:"), this));
    inputs->addWidget(m_datasetLabel, 1);
    inputs->addWidget(new QLabel(tr("split"), this));
    inputs->addWidget(m_split);
    inputs->addWidget(m_evaluate);
    inputs->addWidget(m_cancel);
    inputs->addWidget(m_progress);

    connect(chooseModelButton, &QPushButton::clicked, this, &EvaluationPage::chooseModel);
    return inputs;
}

void EvaluationPage::setUpTable() {
    m_table->setColumnCount(8);
    m_table->setHorizontalHeaderLabels({tr("class"),
                                        tr("sensitivity"),
                                        tr("specificity"),
                                        tr("PPV"),
                                        tr("NPV"),
                                        tr("F1"),
                                        tr("ROC AUC"),
                                        tr("images")});
    m_table->verticalHeader()->setVisible(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->setFixedHeight(m_table->horizontalHeader()->sizeHint().height() + 4);
}

void EvaluationPage::connectRunner() {
    connect(m_runner, &EvaluationRunner::progress, this, [this](int done, int total) {
        m_progress->setRange(0, total);
        m_progress->setValue(done);
    });
    connect(m_runner, &EvaluationRunner::evaluated, this, &EvaluationPage::onEvaluated);
    connect(m_runner, &EvaluationRunner::failed, this, [this](const QString &error) {
        setBusy(false);
        setMessage(tr("Cannot evaluate: %1").arg(error), true);
    });
    connect(m_runner, &EvaluationRunner::cancelled, this, [this] {
        setBusy(false);
        setMessage(tr("Cancelled."), false);
    });
    connect(m_runner, &EvaluationRunner::saved, this, [this](const QString &model) {
        m_save->setEnabled(true);
        setMessage(tr("Saved the %1 threshold %2 into %3.")
                       .arg(m_pointClass->currentText())
                       .arg(threshold(), 0, 'f', 3)
                       .arg(QFileInfo(model).fileName()),
                   false);
        Q_EMIT pointSaved();
    });
    connect(m_runner, &EvaluationRunner::saveFailed, this, [this](const QString &error) {
        m_save->setEnabled(true);
        setMessage(tr("Cannot save the operating point: %1").arg(error), true);
    });
}

EvaluationPage::~EvaluationPage() = default;

QWidget *EvaluationPage::buildOperatingPointBox() {
    auto *box = new QGroupBox(tr("Operating point"), this);
    m_slider->setRange(0, kSliderSteps);
    m_slider->setValue(kSliderSteps / 2);
    m_pointText->setWordWrap(true);
    m_pointText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("class"), box));
    row->addWidget(m_pointClass);
    row->addStretch(1);
    row->addWidget(m_youden);
    row->addWidget(m_save);
    auto *layout = new QVBoxLayout(box);
    layout->addLayout(row);
    layout->addWidget(m_slider);
    layout->addWidget(m_pointText);
    connect(m_slider, &QSlider::valueChanged, this, [this] { showOperatingPoint(); });
    connect(
        m_pointClass, &QComboBox::currentIndexChanged, this, &EvaluationPage::setOperatingClass);
    connect(m_youden, &QPushButton::clicked, this, [this] {
        if (!m_evaluation)
            return;
        const Predictions &p = m_evaluation->predictions;
        try {
            setThreshold(
                chooseOperatingPoint(
                    oneVsRest(p.labels, p.probabilities, p.classes, m_pointClass->currentIndex()),
                    m_pointClass->currentText().toStdString(),
                    GoalSpec{},
                    {})
                    .threshold);
        } catch (const std::invalid_argument &e) {
            setMessage(QString::fromStdString(e.what()), true);
        }
    });
    connect(m_save, &QPushButton::clicked, this, &EvaluationPage::saveOperatingPoint);
    return box;
}

void EvaluationPage::setDataset(const QString &path) {
    m_dataset = path;
    m_datasetLabel->setText(QFileInfo(path).fileName());
    m_datasetLabel->setToolTip(path);
    setBusy(false);
}

void EvaluationPage::setModel(const QString &file) {
    m_model = file;
    m_modelLabel->setText(QFileInfo(file).fileName());
    m_modelLabel->setToolTip(file);
    setBusy(false);
}

void EvaluationPage::chooseModel() {
    const QString file =
        QFileDialog::getOpenFileName(this, tr("Choose a model"), QString(), tr("Models (*.pt)"));
    if (!file.isEmpty())
        setModel(file);
}

void EvaluationPage::evaluateWhenReady() {
    m_evaluateWhenReady = true;
    setBusy(false);
}

void EvaluationPage::evaluate() {
    if (m_model.isEmpty() || m_dataset.isEmpty())
        return;
    setBusy(true);
    setMessage(tr("Evaluating %1 on the %2 split…")
                   .arg(QFileInfo(m_model).fileName(), m_split->currentText()),
               false);
    m_runner->evaluate(
        m_model, m_dataset, parseSplit(m_split->currentText().toStdString()).value_or(Split::Test));
}

void EvaluationPage::setBusy(bool busy) {
    if (!busy && m_evaluateWhenReady && !m_model.isEmpty() && !m_dataset.isEmpty()) {
        m_evaluateWhenReady = false;
        evaluate();
        return;
    }
    m_evaluate->setEnabled(!busy && !m_model.isEmpty() && !m_dataset.isEmpty());
    m_cancel->setEnabled(busy);
    m_progress->setVisible(busy);
    if (busy)
        m_progress->setRange(0, 0);
    m_save->setEnabled(!busy && m_evaluation != nullptr);
    m_youden->setEnabled(!busy && m_evaluation != nullptr);
    m_slider->setEnabled(m_evaluation != nullptr);
}

void EvaluationPage::setMessage(const QString &text, bool error) {
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #b00000;") : QString());
    Q_EMIT statusMessage(text);
}

QString EvaluationPage::message() const { return m_message->text(); }

void EvaluationPage::onEvaluated(const QString &model, std::shared_ptr<const Evaluation> e) {
    m_evaluation = std::move(e);
    setBusy(false);
    const Evaluation &ev = *m_evaluation;
    const Metrics &m = ev.metrics;
    QString calibration = ev.calibration
                              ? tr("expected calibration error %1 with the model's temperature %2 "
                                   "(%3 without)")
                                    .arg(ev.ece, 0, 'f', 3)
                                    .arg(ev.calibration->temperature, 0, 'f', 2)
                                    .arg(ev.eceUncalibrated, 0, 'f', 3)
                              : tr("expected calibration error %1; the model has no temperature "
                                   "(cxr calibrate fits one)")
                                    .arg(ev.ece, 0, 'f', 3);
    m_summary->setText(
        tr("<b>%1</b> on %2 images, %3%4: accuracy %5, balanced accuracy %6, "
           "macro-F1 %7; %8.")
            .arg(QFileInfo(model).fileName())
            .arg(m.count)
            .arg(QString::fromStdString(ev.evaluatedOn).toHtmlEscaped())
            .arg(ev.skipped ? tr(" (%1 could not be read)").arg(ev.skipped) : QString())
            .arg(withInterval(m.accuracy, ev.intervals.accuracy))
            .arg(withInterval(m.balancedAccuracy, ev.intervals.balancedAccuracy))
            .arg(withInterval(m.macroF1, ev.intervals.macroF1))
            .arg(calibration));
    showTable();
    std::vector<double> aucs;
    for (const ClassMetrics &c : m.perClass)
        aucs.push_back(c.auc);
    plotRocCurves(m_roc, ev.classes, ev.curves, aucs);
    plotPrCurves(m_pr, ev.classes, ev.curves);
    const Predictions &p = ev.predictions;
    plotReliability(m_reliability,
                    reliabilityDiagram(ev.uncalibratedProbabilities, p.labels, p.classes),
                    ev.calibration ? reliabilityDiagram(p.probabilities, p.labels, p.classes)
                                   : std::vector<ReliabilityBin>{},
                    ev.eceUncalibrated,
                    ev.ece);
    const QSignalBlocker blocker(m_pointClass);
    m_pointClass->clear();
    for (const std::string &c : ev.classes)
        m_pointClass->addItem(QString::fromStdString(c));
    setOperatingClass(0);
    setMessage(m_split->currentText() == QLatin1String("test")
                   ? tr("Evaluated. A threshold chosen on test images makes its test result "
                        "optimistic: choose thresholds on the val split, report them on test.")
                   : tr("Evaluated."),
               false);
    Q_EMIT evaluated();
}

void EvaluationPage::showTable() {
    const Evaluation &ev = *m_evaluation;
    m_table->setRowCount(static_cast<int>(ev.classes.size()));
    // As tall as its rows: the space below belongs to the operating point.
    m_table->setFixedHeight(
        m_table->horizontalHeader()->sizeHint().height() + 2 * m_table->frameWidth() +
        m_table->verticalHeader()->defaultSectionSize() * static_cast<int>(ev.classes.size()));
    for (std::size_t c = 0; c < ev.classes.size(); ++c) {
        const ClassMetrics &cm = ev.metrics.perClass[c];
        const ClassIntervals &ci = ev.intervals.perClass[c];
        const QString cells[] = {QString::fromStdString(ev.classes[c]),
                                 withInterval(cm.recall, ci.sensitivity),
                                 withInterval(cm.specificity, ci.specificity),
                                 withInterval(cm.precision, ci.ppv),
                                 withInterval(cm.npv, ci.npv),
                                 withInterval(cm.f1, ci.f1),
                                 withInterval(cm.auc, ci.auc),
                                 QString::number(cm.support)};
        for (int column = 0; column < 8; ++column) {
            auto *item = new QTableWidgetItem(cells[column]);
            if (column == 0)
                item->setForeground(classColour(c));
            m_table->setItem(static_cast<int>(c), column, item);
        }
    }
}

void EvaluationPage::setOperatingClass(int index) {
    if (!m_evaluation || index < 0)
        return;
    if (m_pointClass->currentIndex() != index) {
        m_pointClass->setCurrentIndex(index); // comes back here through the signal
        return;
    }
    // Start from the model's own point for the class, else 0.5.
    double start = 0.5;
    for (const OperatingPoint &p : m_evaluation->operatingPoints)
        if (p.className == m_pointClass->currentText().toStdString())
            start = p.threshold;
    setThreshold(start);
    showOperatingPoint();
}

double EvaluationPage::threshold() const {
    return static_cast<double>(m_slider->value()) / kSliderSteps;
}

void EvaluationPage::setThreshold(double threshold) {
    m_slider->setValue(static_cast<int>(std::lround(threshold * kSliderSteps)));
    showOperatingPoint();
}

void EvaluationPage::showOperatingPoint() {
    if (!m_evaluation || m_pointClass->currentIndex() < 0)
        return;
    const int c = m_pointClass->currentIndex();
    const Predictions &p = m_evaluation->predictions;
    const BinaryResult r =
        binaryAt(oneVsRest(p.labels, p.probabilities, p.classes, c), threshold());
    const QString name = m_pointClass->currentText();
    m_pointText->setText(tr("Call an image %7 when its probability is at least <b>%1</b>:<br>"
                            "sensitivity %2, specificity %3, PPV %4, NPV %5<br>"
                            "%6 images of %7: %8 called %7, %9 missed<br>"
                            "other images: %10 called %7, %11 not")
                             .arg(threshold(), 0, 'f', 3)
                             .arg(r.sensitivity, 0, 'f', 3)
                             .arg(r.specificity, 0, 'f', 3)
                             .arg(r.ppv, 0, 'f', 3)
                             .arg(r.npv, 0, 'f', 3)
                             .arg(r.truePositives + r.falseNegatives)
                             .arg(name)
                             .arg(r.truePositives)
                             .arg(r.falseNegatives)
                             .arg(r.falsePositives)
                             .arg(r.trueNegatives));
    markRocPoint(m_roc, 1 - r.specificity, r.sensitivity, classColour(static_cast<std::size_t>(c)));
}

QString EvaluationPage::operatingPointText() const { return m_pointText->text(); }

void EvaluationPage::saveOperatingPoint() {
    if (!m_evaluation || m_model.isEmpty() || m_runner->isSaving())
        return;
    const int c = m_pointClass->currentIndex();
    const Predictions &p = m_evaluation->predictions;
    OperatingPoint point;
    point.className = m_pointClass->currentText().toStdString();
    point.goal.goal = OperatingGoal::Manual;
    point.threshold = threshold();
    point.fittedOn = "set by hand on the " + m_split->currentText().toStdString() + " split of " +
                     m_dataset.toStdString();
    point.fitted = binaryAt(oneVsRest(p.labels, p.probabilities, p.classes, c), point.threshold);
    m_save->setEnabled(false);
    m_runner->saveOperatingPoint(m_model, point);
}

} // namespace cxr::ui
