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
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QSplitter>
#include <QVBoxLayout>
#include <algorithm>
#include <numeric>

#include <QtConcurrent/QtConcurrentRun>

#include "data/image_decode.h"
#include "data/image_encode.h"
#include "errors.h"
#include "explain/overlay.h"
#include "image_viewer.h"
#include "infer/classifier.h"
#include "preferences_dialog.h"
#include "qcustomplot_include.h"

namespace cxr::ui {

ClassifyPage::ClassifyPage(QWidget *parent)
    : QWidget(parent), m_model(new QComboBox(this)), m_images(new QListWidget(this)),
      m_viewer(new ImageViewer(this)), m_message(new QLabel(this)), m_bars(new QCustomPlot(this)),
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

    m_opacity->setRange(0, 100);
    m_opacity->setValue(45);
    m_showOverlay->setChecked(true);
    m_colormap->addItems(
        {QStringLiteral("jet"), QStringLiteral("inferno"), QStringLiteral("gray")});
    m_method->addItem(tr("Grad-CAM"), QStringLiteral("gradcam"));
    m_method->addItem(tr("Grad-CAM++"), QStringLiteral("gradcam++"));
    m_target->addItem(tr("predicted class"));
    m_smoothing->setObjectName(QStringLiteral("smoothing"));
    m_smoothing->addItem(tr("Off"), QStringLiteral("none"));
    m_smoothing->addItem(tr("Mirror"), QStringLiteral("mirror"));
    m_smoothing->addItem(tr("All flips"), QStringLiteral("flips"));
    m_smoothing->setToolTip(tr("Average the heatmap over flipped copies of the image. "
                               "\"All flips\" cancels evidence a model learned to place "
                               "beside a lesion, on any side."));
    m_shifts->setObjectName(QStringLiteral("shifts"));
    m_shifts->addItem(tr("Off"), 1);
    m_shifts->addItem(tr("2 × 2 (finer map, 4× the time)"), 2);
    m_shifts->addItem(tr("4 × 4 (finest, 16× the time)"), 4);
    m_shifts->setToolTip(tr("Average the heatmaps of copies of the image moved by fractions of "
                            "the network's 32-pixel cell. The map becomes that much finer, and "
                            "small lesions between two cells can hold its peak."));
    auto *reset = new QPushButton(tr("Reset view"), this);
    connect(reset, &QPushButton::clicked, m_viewer, &ImageViewer::resetView);
    for (QCheckBox *box : {m_showOverlay, m_invert})
        connect(box, &QCheckBox::toggled, this, &ClassifyPage::applyOverlayOptions);
    connect(m_opacity, &QSlider::valueChanged, this, &ClassifyPage::applyOverlayOptions);
    connect(m_colormap, &QComboBox::currentTextChanged, this, &ClassifyPage::applyOverlayOptions);
    connect(m_method,
            qOverload<int>(&QComboBox::currentIndexChanged),
            this,
            &ClassifyPage::classifyCurrent);
    connect(m_target, qOverload<int>(&QComboBox::activated), this, &ClassifyPage::classifyCurrent);
    for (QComboBox *box : {m_smoothing, m_shifts})
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
    form->addRow(tr("Smoothing"), m_smoothing);
    form->addRow(tr("Sub-cell shifts"), m_shifts);
    form->addRow(m_invert, reset);

    auto *side = new QWidget(this);
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->addWidget(notice);
    sideLayout->addWidget(m_bars, 1);
    sideLayout->addWidget(controls);
    sideLayout->addWidget(m_message);
    side->setMinimumWidth(300);
    side->setMaximumWidth(420);

    m_images->setMaximumWidth(240);
    connect(m_images, &QListWidget::currentRowChanged, this, &ClassifyPage::showImage);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_images);
    split->addWidget(m_viewer);
    split->addWidget(side);
    split->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(split, 1);

    connect(&m_watcher, &QFutureWatcher<Result>::finished, this, &ClassifyPage::onResult);
    connect(
        &m_modelWatcher, &QFutureWatcher<ModelLoad>::finished, this, &ClassifyPage::onModelLoaded);
    showProbabilities();
}

ClassifyPage::~ClassifyPage() {
    m_watcher.waitForFinished();
    m_modelWatcher.waitForFinished();
}

QString ClassifyPage::message() const { return m_message->text(); }

void ClassifyPage::onModelLoaded() {
    const ModelLoad load = m_modelWatcher.result();
    if (!load.classifier) {
        setMessage(tr("Could not load the model: %1").arg(load.error), true);
        return;
    }
    m_classifier = load.classifier;
    m_modelFile = load.file;
    m_target->clear();
    m_target->addItem(tr("predicted class"));
    for (const auto &c : m_classifier->classes())
        m_target->addItem(QString::fromStdString(c));
    QStringList recent = QSettings().value(QStringLiteral("classify/recentModels")).toStringList();
    recent.removeAll(load.file);
    recent.prepend(load.file);
    QSettings().setValue(QStringLiteral("classify/recentModels"), recent.mid(0, 8));
    if (m_model->findText(load.file) < 0)
        m_model->insertItem(0, load.file);
    m_model->setCurrentText(load.file);
    setMessage(tr("Model: %1 (%2, %3 classes)")
                   .arg(QFileInfo(load.file).fileName(),
                        QString::fromStdString(m_classifier->architecture()))
                   .arg(m_classifier->classes().size()),
               false);
    Q_EMIT modelLoaded(load.file);
    classifyCurrent();
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
    m_modelWatcher.waitForFinished(); // one load at a time; loads take about a second
    m_modelWatcher.setFuture(QtConcurrent::run([file]() -> ModelLoad {
        ModelLoad load;
        load.file = file;
        try {
            load.classifier =
                std::make_shared<const Classifier>(Classifier::load(file.toStdString()));
        } catch (const std::exception &e) {
            load.error = QString::fromStdString(e.what());
        }
        return load;
    }));
}

void ClassifyPage::addImages(const QStringList &files) {
    const int first = m_images->count();
    for (const QString &file : files) {
        auto *item = new QListWidgetItem(QFileInfo(file).fileName(), m_images);
        item->setData(Qt::UserRole, file);
        item->setToolTip(file);
    }
    m_images->setCurrentRow(first);
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

void ClassifyPage::showImage(int) { classifyCurrent(); }

void ClassifyPage::classifyCurrent() {
    QListWidgetItem *item = m_images->currentItem();
    if (!item)
        return;
    if (m_watcher.isRunning()) {
        m_pending = true; // the newest request runs when this one ends
        return;
    }
    const std::filesystem::path file = item->data(Qt::UserRole).toString().toStdString();
    const auto classifier = m_classifier;
    const int targetIndex = m_target->currentIndex() - 1; // 0 is "predicted class"
    const std::optional<int> target =
        targetIndex >= 0 ? std::optional<int>(targetIndex) : std::nullopt;
    const CamMethod method = parseCamMethod(m_method->currentData().toString().toStdString())
                                 .value_or(CamMethod::GradCam);
    const CamSmoothing smoothing{parseSmoothing(m_smoothing->currentData().toString().toStdString())
                                     .value_or(Smoothing::None),
                                 m_shifts->currentData().toInt()};
    const QString name = item->data(Qt::UserRole).toString();
    setMessage(tr("Working on %1…").arg(QFileInfo(name).fileName()), false);
    m_watcher.setFuture(
        QtConcurrent::run([file, classifier, target, method, smoothing, name]() -> Result {
            Result result;
            result.file = name;
            try {
                result.gray = decodeImage(file).pixels;
                if (classifier) {
                    const Explanation e =
                        classifier->explain(result.gray, target, method, smoothing);
                    result.heatmap = e.heatmap;
                    result.probabilities = e.prediction.probabilities;
                    result.label = e.prediction.label;
                    result.target = e.targetClass;
                }
            } catch (const std::exception &e) {
                result.error = QString::fromStdString(e.what());
            }
            return result;
        }));
}

void ClassifyPage::onResult() {
    Result result = m_watcher.result();
    if (!result.error.isEmpty()) {
        setMessage(tr("Cannot show this file: %1").arg(result.error), true);
        if (QListWidgetItem *item = m_images->currentItem())
            item->setForeground(QColor(176, 0, 0));
    } else {
        const bool sameImage = result.file == m_current.file;
        m_current = result;
        if (!sameImage)
            m_viewer->setImage(result.gray);
        m_viewer->setHeatmap(result.heatmap);
        applyOverlayOptions();
        m_probabilities = result.probabilities;
        if (!m_classifier)
            setMessage(tr("Choose a model to classify this image."), false);
        else
            setMessage(
                tr("%1: %2 (p = %3); heatmap for %4")
                    .arg(QFileInfo(result.file).fileName(),
                         QString::fromStdString(
                             m_classifier->classes()[static_cast<std::size_t>(result.label)]))
                    .arg(result.probabilities[static_cast<std::size_t>(result.label)], 0, 'f', 3)
                    .arg(QString::fromStdString(
                        m_classifier->classes()[static_cast<std::size_t>(result.target)])),
                false);
    }
    showProbabilities();
    Q_EMIT imageShown(result.file);
    if (m_pending) {
        m_pending = false;
        classifyCurrent();
    }
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
    if (!m_classifier || m_probabilities.empty()) {
        m_bars->replot();
        return;
    }
    // Sorted, highest on top.
    std::vector<std::size_t> order(m_probabilities.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
        return m_probabilities[a] < m_probabilities[b];
    });
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    auto *bars = new QCPBars(m_bars->yAxis, m_bars->xAxis);
    bars->setBrush(QColor(0, 114, 178));
    bars->setPen(Qt::NoPen);
    for (std::size_t k = 0; k < order.size(); ++k) {
        const std::size_t c = order[k];
        ticker->addTick(static_cast<double>(k),
                        QStringLiteral("%1  %2")
                            .arg(QString::fromStdString(m_classifier->classes()[c]))
                            .arg(m_probabilities[c], 0, 'f', 3));
        bars->addData(static_cast<double>(k), m_probabilities[c]);
    }
    m_bars->yAxis->setTicker(ticker);
    m_bars->yAxis->setRange(-0.6, static_cast<double>(order.size()) - 0.4);
    m_bars->replot();
}

void ClassifyPage::exportOverlay() {
    if (m_current.gray.empty()) {
        setMessage(tr("Nothing to export yet: open an image first."), true);
        return;
    }
    const QString file = QFileDialog::getSaveFileName(this,
                                                      tr("Export overlay"),
                                                      QFileInfo(m_current.file).completeBaseName() +
                                                          QStringLiteral(".overlay.png"),
                                                      tr("PNG images (*.png)"));
    if (file.isEmpty())
        return;
    OverlayOptions options;
    options.opacity =
        m_showOverlay->isChecked() && !m_current.heatmap.empty() ? m_opacity->value() / 100.0 : 0.0;
    options.colormap =
        parseColormap(m_colormap->currentText().toStdString()).value_or(Colormap::Jet);
    const cv::Mat heat =
        m_current.heatmap.empty() ? cv::Mat::zeros(2, 2, CV_32FC1) : m_current.heatmap;
    // The exported file always carries the research-use caption.
    try {
        writeImageFile(file.toStdString(), renderOverlay(m_current.gray, heat, options));
        setMessage(tr("Saved %1").arg(file), false);
    } catch (const Error &e) {
        setMessage(QString::fromStdString(e.what()), true);
    }
}

} // namespace cxr::ui
