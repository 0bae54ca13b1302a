// SPDX-License-Identifier: MIT
#include "classify_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QSplitter>
#include <QVBoxLayout>
#include <algorithm>
#include <numeric>

#include "classify_runner.h"
#include "data/image_encode.h"
#include "errors.h"
#include "explain/overlay.h"
#include "image_table.h"
#include "image_viewer.h"
#include "infer/batch_predict.h"
#include "infer/classifier.h"
#include "preferences_dialog.h"
#include "qcustomplot_include.h"

namespace cxr::ui {

ClassifyPage::ClassifyPage(QWidget *parent)
    : QWidget(parent), m_runner(new ClassifyRunner(this)), m_model(new QComboBox(this)),
      m_images(new ImageTable(this)), m_viewer(new ImageViewer(this)),
      m_imageInfo(new QLabel(this)), m_batchStatus(new QLabel(this)), m_message(new QLabel(this)),
      m_bars(new QCustomPlot(this)), m_progress(new QProgressBar(this)),
      m_cancel(new QPushButton(tr("Cancel"), this)),
      m_showOverlay(new QCheckBox(tr("Show Grad-CAM overlay"), this)),
      m_invert(new QCheckBox(tr("Invert"), this)), m_opacity(new QSlider(Qt::Horizontal, this)),
      m_colormap(new QComboBox(this)), m_method(new QComboBox(this)), m_target(new QComboBox(this)),
      m_smoothing(new QComboBox(this)), m_shifts(new QComboBox(this)) {
    setAcceptDrops(true);
    auto *browseModel = new QPushButton(tr("Model file…"), this);
    auto *openImages = new QPushButton(tr("Open images…"), this);
    auto *exportButton = new QPushButton(tr("Export overlay PNG…"), this);
    connect(browseModel, &QPushButton::clicked, this, &ClassifyPage::chooseModel);
    connect(openImages, &QPushButton::clicked, this, &ClassifyPage::chooseImages);
    connect(exportButton, &QPushButton::clicked, this, &ClassifyPage::exportOverlay);
    m_model->setObjectName(QStringLiteral("model"));
    m_model->setMinimumContentsLength(40);
    m_model->setPlaceholderText(tr("choose a model (.pt) — from a run's best.pt or a file"));
    for (const QString &recent :
         QSettings().value(QStringLiteral("classify/recentModels")).toStringList())
        if (QFileInfo::exists(recent))
            m_model->addItem(recent);
    m_model->setCurrentIndex(-1);
    connect(m_model, qOverload<int>(&QComboBox::activated), this, [this](int index) {
        loadModel(m_model->itemText(index));
    });

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Model:"), this));
    top->addWidget(m_model, 1);
    top->addWidget(browseModel);
    top->addWidget(openImages);
    top->addWidget(exportButton);

    auto *notice = new QLabel(tr("Research and teaching software — <b>not for clinical use</b>. "
                                 "Probabilities and heatmaps are not a diagnosis."),
                              this);
    notice->setWordWrap(true);
    notice->setStyleSheet(
        QStringLiteral("QLabel { background: #fde8e8; color: #8a0000; padding: 6px; "
                       "border: 1px solid #e0a0a0; }"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_bars->setMinimumSize(260, 180);
    m_bars->yAxis->setLabel(tr("class"));
    m_bars->xAxis->setLabel(tr("probability"));
    m_bars->xAxis->setRange(0, 1);

    m_progress->setObjectName(QStringLiteral("explainProgress"));
    m_cancel->setObjectName(QStringLiteral("cancelExplain"));
    m_cancel->setToolTip(tr("Stop explaining this image"));
    connect(m_cancel, &QPushButton::clicked, m_runner, &ClassifyRunner::cancel);
    auto *busy = new QHBoxLayout;
    busy->addWidget(m_progress, 1);
    busy->addWidget(m_cancel);

    auto *side = new QWidget(this);
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->addWidget(notice);
    sideLayout->addWidget(m_bars, 1);
    sideLayout->addWidget(buildControls());
    sideLayout->addLayout(busy);
    sideLayout->addWidget(m_message);
    side->setMinimumWidth(300);
    side->setMaximumWidth(420);

    m_images->setObjectName(QStringLiteral("images"));
    connect(m_images, &QTableWidget::currentCellChanged, this, [this](int row, int, int previous) {
        if (row != previous)
            classifyCurrent();
    });
    connect(m_images, &ImageTable::removed, this, &ClassifyPage::onImagesRemoved);
    auto *remove = new QPushButton(tr("Remove"), this);
    remove->setObjectName(QStringLiteral("removeImages"));
    remove->setToolTip(tr("Removes the selected images from the table (Delete)"));
    connect(remove, &QPushButton::clicked, m_images, &ImageTable::removeSelected);
    auto *exportTable = new QPushButton(tr("Export table CSV…"), this);
    exportTable->setObjectName(QStringLiteral("exportTable"));
    connect(exportTable, &QPushButton::clicked, this, &ClassifyPage::exportTable);
    m_batchStatus->setObjectName(QStringLiteral("batchStatus"));
    auto *listButtons = new QHBoxLayout;
    listButtons->addWidget(remove);
    listButtons->addWidget(exportTable);
    auto *list = new QWidget(this);
    auto *listLayout = new QVBoxLayout(list);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addWidget(m_images, 1);
    listLayout->addWidget(m_batchStatus);
    listLayout->addLayout(listButtons);
    list->setMinimumWidth(320);

    m_imageInfo->setObjectName(QStringLiteral("imageInfo"));
    m_imageInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *viewerBox = new QWidget(this);
    auto *viewerLayout = new QVBoxLayout(viewerBox);
    viewerLayout->setContentsMargins(0, 0, 0, 0);
    viewerLayout->addWidget(m_viewer, 1);
    viewerLayout->addWidget(m_imageInfo);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(list);
    split->addWidget(viewerBox);
    split->addWidget(side);
    split->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(split, 1);

    connect(m_runner, &ClassifyRunner::modelLoaded, this, &ClassifyPage::onModelLoaded);
    connect(m_runner, &ClassifyRunner::modelFailed, this, &ClassifyPage::onModelFailed);
    connect(m_runner, &ClassifyRunner::resultReady, this, &ClassifyPage::onResult);
    connect(m_runner, &ClassifyRunner::started, this, [this](const QString &file) {
        setMessage(tr("Working on %1…").arg(QFileInfo(file).fileName()), false);
        m_progress->setRange(0, 0);
        setBusy(true);
    });
    connect(m_runner, &ClassifyRunner::progress, this, [this](int done, int total) {
        m_progress->setRange(0, total);
        m_progress->setValue(done);
        m_progress->setFormat(tr("explaining: pass %1 of %2").arg(done).arg(total));
    });
    connect(m_runner,
            &ClassifyRunner::predicted,
            this,
            [this](const QString &file,
                   const std::vector<std::string> &classes,
                   const Prediction &prediction) {
                m_images->setPrediction(file, classes, prediction);
            });
    connect(m_runner, &ClassifyRunner::predictFailed, m_images, &ImageTable::setFailed);
    connect(m_runner, &ClassifyRunner::batchProgress, this, [this](int done, int total) {
        m_batchStatus->setText(tr("classified %1 of %2").arg(done).arg(total));
    });
    connect(m_runner, &ClassifyRunner::batchFinished, this, [this] {
        m_batchStatus->setText(tr("%1 of %2 images classified")
                                   .arg(m_images->predictedCount())
                                   .arg(m_images->rowCount()));
        Q_EMIT tableClassified();
    });
    connect(m_runner, &ClassifyRunner::cancelled, this, [this](const QString &file) {
        if (!m_runner->isClassifying()) {
            setBusy(false);
            setMessage(tr("Cancelled the explanation of %1.").arg(QFileInfo(file).fileName()),
                       false);
        }
    });
    setBusy(false);
    showProbabilities();
}

// The explanation controls; the Colormap starts at the user's preference.
QWidget *ClassifyPage::buildControls() {
    m_opacity->setRange(0, 100);
    m_opacity->setValue(45);
    m_showOverlay->setChecked(true);
    m_colormap->setObjectName(QStringLiteral("colormap"));
    for (Colormap c : {Colormap::Jet, Colormap::Inferno, Colormap::Gray})
        m_colormap->addItem(QString::fromLatin1(colormapName(c)));
    m_colormap->setCurrentText(PreferencesDialog::defaultColormap());
    m_method->addItem(tr("Grad-CAM"), QStringLiteral("gradcam"));
    m_method->addItem(tr("Grad-CAM++"), QStringLiteral("gradcam++"));
    m_target->addItem(tr("predicted class"));
    m_target->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_smoothing->setObjectName(QStringLiteral("smoothing"));
    m_smoothing->addItem(tr("No"), QStringLiteral("none"));
    m_smoothing->addItem(tr("With the left-right mirror image (2×)"), QStringLiteral("mirror"));
    m_smoothing->addItem(tr("With all mirror images (4×)"), QStringLiteral("flips"));
    m_smoothing->setToolTip(
        tr("Explains mirrored copies of the image too and averages the heatmaps. A model "
           "that learned to look beside a lesion, always on one side, shows the lesion "
           "itself more clearly. Takes 2 or 4 times as long."));
    m_shifts->setObjectName(QStringLiteral("shifts"));
    m_shifts->addItem(tr("Coarse (one pass)"), 1);
    m_shifts->addItem(tr("Finer (4× the time)"), 2);
    m_shifts->addItem(tr("Finest (16× the time)"), 4);
    m_shifts->setToolTip(tr("The network sees the image in 32-pixel cells, so the heatmap is "
                            "blocky. Finer maps average copies of the image moved by fractions "
                            "of a cell, so small findings between two cells can hold the peak."));
    auto *reset = new QPushButton(tr("Reset view"), this);
    connect(reset, &QPushButton::clicked, m_viewer, &ImageViewer::resetView);
    for (QCheckBox *box : {m_showOverlay, m_invert})
        connect(box, &QCheckBox::toggled, this, &ClassifyPage::applyOverlayOptions);
    connect(m_opacity, &QSlider::valueChanged, this, &ClassifyPage::applyOverlayOptions);
    connect(m_colormap, &QComboBox::currentTextChanged, this, &ClassifyPage::applyOverlayOptions);
    connect(m_target, qOverload<int>(&QComboBox::activated), this, &ClassifyPage::classifyCurrent);
    for (QComboBox *box : {m_method, m_smoothing, m_shifts})
        connect(box,
                qOverload<int>(&QComboBox::currentIndexChanged),
                this,
                &ClassifyPage::classifyCurrent);

    auto *controls = new QGroupBox(tr("Explanation and view"), this);
    auto *form = new QFormLayout(controls);
    form->addRow(m_showOverlay);
    form->addRow(tr("Opacity"), m_opacity);
    form->addRow(tr("Colormap"), m_colormap);
    form->addRow(tr("Method"), m_method);
    form->addRow(tr("Explain class"), m_target);
    form->addRow(tr("Average with mirrors"), m_smoothing);
    form->addRow(tr("Heatmap detail"), m_shifts);
    form->addRow(m_invert, reset);
    return controls;
}

ClassifyPage::~ClassifyPage() = default;

bool ClassifyPage::hasModel() const { return static_cast<bool>(m_runner->classifier()); }

QString ClassifyPage::message() const { return m_message->text(); }

std::vector<float> ClassifyPage::probabilities() const {
    return m_current ? m_current->prediction.probabilities : std::vector<float>{};
}

std::vector<std::string> ClassifyPage::shownClasses() const {
    return m_current ? m_current->classes : std::vector<std::string>{};
}

void ClassifyPage::setBusy(bool busy) {
    m_progress->setVisible(busy);
    m_cancel->setVisible(busy);
}

void ClassifyPage::onModelLoaded(const QString &file) {
    const auto classifier = m_runner->classifier();
    m_target->clear();
    m_target->addItem(tr("predicted class"));
    for (const auto &c : classifier->classes())
        m_target->addItem(QString::fromStdString(c));
    QStringList recent = QSettings().value(QStringLiteral("classify/recentModels")).toStringList();
    recent.removeAll(file);
    recent.prepend(file);
    QSettings().setValue(QStringLiteral("classify/recentModels"), recent.mid(0, 8));
    if (m_model->findText(file) < 0)
        m_model->insertItem(0, file);
    m_model->setCurrentText(file);
    // Whether its probabilities are calibrated is part of what they mean.
    const QString calibration =
        classifier->temperature() == 1.0
            ? tr("not calibrated")
            : tr("calibrated, temperature %1").arg(classifier->temperature(), 0, 'f', 2);
    setMessage(
        tr("Model: %1 (%2, %3 classes, %4)")
            .arg(QFileInfo(file).fileName(), QString::fromStdString(classifier->architecture()))
            .arg(classifier->classes().size())
            .arg(calibration),
        false);
    // Every image in the table is classified again, by this model.
    m_images->setClasses(classifier->classes());
    m_runner->predictAll(m_images->files());
    Q_EMIT modelLoaded(file);
    classifyCurrent();
}

void ClassifyPage::onModelFailed(const QString &, const QString &error) {
    setMessage(tr("Could not load the model: %1").arg(error), true);
}

void ClassifyPage::setMessage(const QString &text, bool error) {
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("QLabel { color: #b00000; font-weight: bold; }")
                                   : QString());
    Q_EMIT statusMessage(text);
}

void ClassifyPage::chooseModel() {
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Open a model"), {}, tr("Models (*.pt);;All files (*)"));
    if (!file.isEmpty())
        loadModel(file);
}

void ClassifyPage::chooseImages() {
    const QStringList files = QFileDialog::getOpenFileNames(
        this,
        tr("Open X-rays"),
        {},
        tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.dcm);;All files (*)"));
    if (!files.isEmpty())
        addImages(files);
}

void ClassifyPage::loadModel(const QString &file) {
    setMessage(tr("Loading %1…").arg(QFileInfo(file).fileName()), false);
    m_runner->loadModel(file);
}

// Files and folders (every image inside, recursively) join the table; the
// first is shown and explained, and all are classified in the background.
void ClassifyPage::addImages(const QStringList &paths) {
    QStringList files;
    int skipped = 0;
    for (const QString &path : paths) {
        if (!QFileInfo(path).isDir()) {
            files << path;
            continue;
        }
        std::vector<Rejected> rejected;
        try {
            for (const auto &image : imagesInFolder(path.toStdString(), rejected))
                files << QString::fromStdString(image.string());
        } catch (const std::exception &e) {
            setMessage(QString::fromStdString(e.what()), true);
        }
        skipped += static_cast<int>(rejected.size());
    }
    if (skipped > 0)
        m_batchStatus->setText(
            tr("%1 files in the folders are not images and were left out").arg(skipped));
    if (files.isEmpty())
        return;
    const int first = m_images->addFiles(files);
    if (first >= 0)
        m_images->setCurrentCell(first, 0);
    if (hasModel())
        m_runner->predictAll(m_images->unpredicted());
}

void ClassifyPage::onImagesRemoved(const QStringList &files) {
    if (m_current && files.contains(m_current->file)) {
        m_runner->cancel();
        m_current.reset();
        m_viewer->setImage(cv::Mat());
        m_viewer->setHeatmap(cv::Mat());
        m_imageInfo->clear();
        showProbabilities();
    }
}

void ClassifyPage::exportTable() {
    if (m_images->predictedCount() == 0) {
        setMessage(tr("Nothing to export yet: open a model and images first."), true);
        return;
    }
    const QString file = QFileDialog::getSaveFileName(
        this, tr("Export the table"), QStringLiteral("predictions.csv"), tr("CSV files (*.csv)"));
    if (file.isEmpty())
        return;
    try {
        m_images->exportCsv(file);
        setMessage(tr("Saved %1 (%2 images)").arg(file).arg(m_images->predictedCount()), false);
    } catch (const std::exception &e) {
        setMessage(QString::fromStdString(e.what()), true);
    }
}

void ClassifyPage::dragEnterEvent(QDragEnterEvent *event) {
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void ClassifyPage::dropEvent(QDropEvent *event) {
    QStringList files;
    for (const QUrl &url : event->mimeData()->urls())
        if (url.isLocalFile())
            files << url.toLocalFile();
    if (!files.isEmpty())
        addImages(files);
    event->acceptProposedAction();
}

void ClassifyPage::classifyCurrent() {
    const QString file = m_images->currentFile();
    if (file.isEmpty())
        return;
    ClassifyRequest request;
    request.file = file;
    const int targetIndex = m_target->currentIndex() - 1; // 0 is "predicted class"
    if (targetIndex >= 0)
        request.target = targetIndex;
    request.method = parseCamMethod(m_method->currentData().toString().toStdString())
                         .value_or(CamMethod::GradCam);
    request.smoothing = {parseSmoothing(m_smoothing->currentData().toString().toStdString())
                             .value_or(Smoothing::None),
                         m_shifts->currentData().toInt()};
    m_runner->classify(request);
}

void ClassifyPage::onResult(const ClassifyResult &result) {
    setBusy(m_runner->isClassifying());
    const QString name = QFileInfo(result.file).fileName();
    if (!result.error.isEmpty()) {
        setMessage(tr("Cannot show this file: %1").arg(result.error), true);
        m_images->setFailed(result.file, result.error);
        Q_EMIT imageShown(result.file);
        return;
    }
    const bool sameImage = m_current && result.file == m_current->file;
    m_current = std::make_unique<ClassifyResult>(result);
    if (!sameImage) {
        m_viewer->setImage(result.gray);
        m_viewer->setValueRange(result.valueLower, result.valueUpper);
        m_imageInfo->setText(result.imageInfo);
    }
    m_viewer->setHeatmap(result.heatmap);
    applyOverlayOptions();
    if (!result.classified()) {
        setMessage(tr("Choose a model to classify this image."), false);
    } else {
        const auto className = [&result](int index) {
            return QString::fromStdString(result.classes[static_cast<std::size_t>(index)]);
        };
        const Prediction &prediction = result.prediction;
        const float p = prediction.probabilities[static_cast<std::size_t>(prediction.label)];
        QString text = tr("%1: %2 (p = %3); heatmap for %4")
                           .arg(name, className(prediction.label))
                           .arg(p, 0, 'f', 3)
                           .arg(className(result.target));
        // An image unlike the training images gets a probability all the
        // same; say so first, and say why.
        const std::vector<std::string> warnings = prediction.warnings();
        if (!warnings.empty()) {
            QStringList reasons;
            for (const std::string &w : warnings)
                reasons << QString::fromStdString(w);
            text = tr("Not like the training images: %1. The probabilities below mean little. "
                      "(%2)")
                       .arg(reasons.join(QStringLiteral("; ")), text);
        }
        setMessage(text, !warnings.empty());
        m_images->setPrediction(result.file, result.classes, prediction);
    }
    showProbabilities();
    Q_EMIT imageShown(result.file);
}

void ClassifyPage::applyOverlayOptions() {
    OverlayOptions options;
    options.opacity = m_opacity->value() / 100.0;
    options.colormap =
        parseColormap(m_colormap->currentText().toStdString()).value_or(Colormap::Jet);
    m_viewer->setOverlay(m_showOverlay->isChecked(), options);
    m_viewer->setInverted(m_invert->isChecked());
}

void ClassifyPage::showProbabilities() {
    m_bars->clearPlottables();
    m_bars->xAxis->setRange(0, 1);
    if (!m_current || !m_current->classified()) {
        m_bars->replot();
        return;
    }
    const std::vector<float> &probabilities = m_current->prediction.probabilities;
    // Sorted, highest on top.
    std::vector<std::size_t> order(probabilities.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&probabilities](std::size_t a, std::size_t b) {
        return probabilities[a] < probabilities[b];
    });
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    auto *bars = new QCPBars(m_bars->yAxis, m_bars->xAxis);
    // Greyed out for an image unlike the training images.
    bars->setBrush(m_current->prediction.inDistribution() ? QColor(0, 114, 178)
                                                          : QColor(190, 190, 190));
    bars->setPen(Qt::NoPen);
    for (std::size_t k = 0; k < order.size(); ++k) {
        const std::size_t c = order[k];
        ticker->addTick(static_cast<double>(k),
                        QStringLiteral("%1  %2")
                            .arg(QString::fromStdString(m_current->classes[c]))
                            .arg(probabilities[c], 0, 'f', 3));
        bars->addData(static_cast<double>(k), probabilities[c]);
    }
    m_bars->yAxis->setTicker(ticker);
    m_bars->yAxis->setRange(-0.6, static_cast<double>(order.size()) - 0.4);
    m_bars->replot();
}

void ClassifyPage::exportOverlay() {
    if (!m_current || m_current->gray.empty()) {
        setMessage(tr("Nothing to export yet: open an image first."), true);
        return;
    }
    const QString file = QFileDialog::getSaveFileName(
        this,
        tr("Export overlay"),
        QFileInfo(m_current->file).completeBaseName() + QStringLiteral(".overlay.png"),
        tr("PNG images (*.png)"));
    if (!file.isEmpty())
        exportOverlayTo(file);
}

bool ClassifyPage::exportOverlayTo(const QString &file) {
    if (!m_current || m_current->gray.empty())
        return false;
    OverlayOptions options;
    const bool heatmap = m_showOverlay->isChecked() && !m_current->heatmap.empty();
    options.opacity = heatmap ? m_opacity->value() / 100.0 : 0.0;
    options.colormap =
        parseColormap(m_colormap->currentText().toStdString()).value_or(Colormap::Jet);
    // The file explains itself: prediction, probabilities, method and the
    // explained class on top, the colour scale at the side, and always the
    // research-use caption.
    if (m_current->classified())
        options.legend = describeExplanation(m_current->classes,
                                             m_current->prediction.probabilities,
                                             m_current->prediction.label,
                                             m_current->target,
                                             m_current->method,
                                             m_current->smoothing);
    options.colourBar = heatmap;
    const cv::Mat heat =
        m_current->heatmap.empty() ? cv::Mat::zeros(2, 2, CV_32FC1) : m_current->heatmap;
    try {
        writeImageFile(file.toStdString(), renderOverlay(m_current->gray, heat, options));
        setMessage(tr("Saved %1").arg(file), false);
        return true;
    } catch (const Error &e) {
        setMessage(QString::fromStdString(e.what()), true);
        return false;
    }
}

} // namespace cxr::ui
