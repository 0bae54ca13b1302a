// SPDX-License-Identifier: MIT
#include "charts_page.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPainter>
#include <QPdfWriter>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include <QtConcurrent/QtConcurrentRun>

#include "class_distribution_plot.h"
#include "gray_image.h"
#include "qcustomplot_include.h"

namespace cxr::ui {
namespace {

const QList<QColor> kClassColours = {QColor(0, 114, 178),
                                     QColor(213, 94, 0),
                                     QColor(0, 158, 115),
                                     QColor(204, 121, 167),
                                     QColor(230, 159, 0),
                                     QColor(86, 180, 233)};

} // namespace

ChartsPage::ChartsPage(QWidget *parent)
    : QWidget(parent), m_cancel(std::make_shared<CancelToken>()),
      m_distribution(new ClassDistributionPlot(this)), m_histograms(new QCustomPlot(this)),
      m_samples(new QGridLayout), m_samplesBox(new QGroupBox(tr("Sample images per class"), this)),
      m_exported(nullptr), m_logScale(new QCheckBox(tr("Log scale"), this)),
      m_progress(new QProgressBar(this)),
      m_compute(new QPushButton(tr("Compute histograms"), this)),
      m_cancelButton(new QPushButton(tr("Cancel"), this)), m_perClass(new QSpinBox(this)),
      m_note(new QLabel(this)) {
    m_histograms->setMinimumSize(420, 300);
    m_histograms->plotLayout()->insertRow(0);
    m_histograms->plotLayout()->addElement(
        0,
        0,
        new QCPTextElement(m_histograms,
                           tr("Mean intensity histogram per class (band: ±1 SD over images)"),
                           QFont("sans", 11, QFont::Bold)));
    m_histograms->xAxis->setLabel(tr("pixel intensity (0 = black, 1 = white)"));
    m_histograms->yAxis->setLabel(tr("fraction of pixels per bin"));
    m_histograms->legend->setVisible(true);
    m_logScale->setObjectName(QStringLiteral("logScale"));
    m_logScale->setToolTip(
        tr("A logarithmic y axis shows the spikes at pure black and white and the small bins "
           "together. On the linear axis the spikes are cut off at the top."));
    connect(m_logScale, &QCheckBox::toggled, this, &ChartsPage::fitHistogramAxis);

    m_perClass->setRange(0, 100000);
    m_perClass->setValue(0); // every image; a subset only when the user asks for one
    m_perClass->setSpecialValueText(tr("all"));
    m_perClass->setToolTip(
        tr("Images decoded per class (all, or an evenly spaced subset, which is faster)"));
    auto *exportButton = new QPushButton(tr("Export PNG/PDF…"), this);
    connect(m_compute, &QPushButton::clicked, this, &ChartsPage::computeHistograms);
    connect(m_cancelButton, &QPushButton::clicked, this, [this] { m_cancel->cancel(); });
    connect(exportButton, &QPushButton::clicked, this, &ChartsPage::exportCharts);
    m_progress->setVisible(false);
    m_cancelButton->setVisible(false);
    m_note->setWordWrap(true);

    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Images per class:"), this));
    controls->addWidget(m_perClass);
    controls->addWidget(m_compute);
    controls->addWidget(m_progress, 1);
    controls->addWidget(m_cancelButton);
    controls->addWidget(m_logScale);
    controls->addStretch();
    controls->addWidget(exportButton);

    m_samplesBox->setLayout(m_samples);
    // Many classes or a narrow window: the samples scroll instead of
    // widening the window past the screen.
    auto *samplesScroll = new QScrollArea(this);
    samplesScroll->setWidget(m_samplesBox);
    samplesScroll->setWidgetResizable(true);
    samplesScroll->setMinimumHeight(150);
    auto *upper = new QSplitter(Qt::Horizontal, this);
    upper->addWidget(m_distribution);
    upper->addWidget(m_histograms);
    upper->setStretchFactor(1, 2);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(upper);
    split->addWidget(samplesScroll);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    m_exported = split;

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_note);
    layout->addWidget(split, 1);

    connect(&m_watcher,
            &QFutureWatcher<Outcome>::progressRangeChanged,
            m_progress,
            &QProgressBar::setRange);
    connect(&m_watcher,
            &QFutureWatcher<Outcome>::progressValueChanged,
            m_progress,
            &QProgressBar::setValue);
    connect(&m_watcher, &QFutureWatcher<Outcome>::finished, this, &ChartsPage::onFinished);
    connect(
        &m_thumbnails, &QFutureWatcher<QList<Thumbnail>>::finished, this, &ChartsPage::showSamples);
    m_note->setText(tr("Open a dataset on the Dataset page."));
}

ChartsPage::~ChartsPage() {
    m_cancel->cancel();
    m_watcher.waitForFinished();
}

void ChartsPage::setIndex(std::shared_ptr<const DatasetIndex> index) {
    m_index = std::move(index);
    m_compute->setEnabled(static_cast<bool>(m_index));
    m_distribution->setIndex(m_index);
    m_stats.reset();
    m_histograms->clearGraphs();
    m_histograms->replot();
    loadSampleThumbnails();
    // Start right away in the background: with the per-class limit it takes
    // seconds, and the page is useful as soon as it is opened. A computation
    // for the previous dataset is cancelled, not waited for.
    if (m_watcher.isRunning()) {
        m_restart = static_cast<bool>(m_index);
        m_cancel->cancel();
    } else if (m_index) {
        computeHistograms();
    }
}

void ChartsPage::computeHistograms() {
    if (!m_index || m_watcher.isRunning())
        return;
    m_cancel = std::make_shared<CancelToken>();
    const auto index = m_index;
    const auto cancel = m_cancel;
    IntensityOptions options;
    options.maxImagesPerClass = static_cast<std::size_t>(m_perClass->value());
    options.cancel = cancel.get();
    m_progress->setVisible(true);
    m_cancelButton->setVisible(true);
    m_compute->setEnabled(false);
    m_note->setText(tr("Decoding images…"));
    m_watcher.setFuture(
        QtConcurrent::run([index, cancel, options](QPromise<Outcome> &promise) mutable {
            options.progress = [&promise](std::size_t done, std::size_t total) {
                promise.setProgressRange(0, static_cast<int>(total));
                promise.setProgressValue(static_cast<int>(done));
            };
            Outcome outcome;
            try {
                outcome.stats = std::make_shared<IntensityStatistics>(
                    computeIntensityStatistics(*index, options));
            } catch (const Cancelled &) {
                outcome.error = tr("Histograms cancelled.");
            } catch (const std::exception &e) {
                outcome.error = QString::fromStdString(e.what());
            }
            promise.addResult(outcome);
        }));
}

void ChartsPage::onFinished() {
    m_progress->setVisible(false);
    m_cancelButton->setVisible(false);
    m_compute->setEnabled(true);
    if (std::exchange(m_restart, false)) { // that was the previous dataset's
        computeHistograms();
        return;
    }
    const QList<Outcome> results = m_watcher.future().results();
    if (results.isEmpty() || !results.front().stats) {
        const QString error =
            results.isEmpty() ? tr("Histograms cancelled.") : results.front().error;
        m_note->setText(error);
        Q_EMIT statusMessage(error);
        return;
    }
    m_stats = results.front().stats;
    showHistograms(*m_stats);
    Q_EMIT histogramsReady();
}

void ChartsPage::showHistograms(const IntensityStatistics &stats) {
    m_histograms->clearGraphs();
    QVector<double> x(kHistogramBins);
    for (int b = 0; b < kHistogramBins; ++b)
        x[b] = (b + 0.5) / kHistogramBins;
    for (std::size_t c = 0; c < stats.histograms.size(); ++c) {
        const ClassHistogram &h = stats.histograms[c];
        if (h.images == 0)
            continue;
        const QColor colour = kClassColours[static_cast<int>(c) % kClassColours.size()];
        QVector<double> mean(kHistogramBins), low(kHistogramBins), high(kHistogramBins);
        for (int b = 0; b < kHistogramBins; ++b) {
            mean[b] = h.mean[static_cast<std::size_t>(b)];
            low[b] = std::max(0.0, mean[b] - h.stddev[static_cast<std::size_t>(b)]);
            high[b] = mean[b] + h.stddev[static_cast<std::size_t>(b)];
        }
        // The band: an invisible lower edge, and an upper edge filled down to it.
        QCPGraph *lower = m_histograms->addGraph();
        lower->setData(x, low);
        lower->setPen(Qt::NoPen);
        lower->removeFromLegend();
        QCPGraph *upper = m_histograms->addGraph();
        upper->setData(x, high);
        upper->setPen(Qt::NoPen);
        QColor band = colour;
        band.setAlpha(45);
        upper->setBrush(band);
        upper->setChannelFillGraph(lower);
        upper->removeFromLegend();
        QCPGraph *line = m_histograms->addGraph();
        line->setData(x, mean);
        line->setPen(QPen(colour, 2));
        line->setName(QStringLiteral("%1 (%2 images)")
                          .arg(QString::fromStdString(m_index->classes[c]))
                          .arg(h.images));
    }
    m_histograms->xAxis->setRange(0, 1);
    m_note->setText(stats.failed.empty()
                        ? tr("Histograms of %1 classes.").arg(stats.histograms.size())
                        : tr("%1 images could not be decoded and were left out (first: %2).")
                              .arg(stats.failed.size())
                              .arg(QString::fromStdString(stats.failed.front().path.string() +
                                                          ": " + stats.failed.front().reason)));
    fitHistogramAxis(); // after the note, which it may extend
}

// The y axis: logarithmic on request; otherwise linear and fitted to the
// bins between pure black and pure white, whose spikes (borders, padding)
// would squash every other bin into the bottom tenth. A cut-off spike is
// named in the note.
void ChartsPage::fitHistogramAxis() {
    QCPAxis *y = m_histograms->yAxis;
    if (!m_stats) {
        m_histograms->replot();
        return;
    }
    double inner = 0, edge = 0, smallest = 1;
    for (const ClassHistogram &h : m_stats->histograms)
        for (int b = 0; b < kHistogramBins && h.images > 0; ++b) {
            const double high =
                h.mean[static_cast<std::size_t>(b)] + h.stddev[static_cast<std::size_t>(b)];
            double &top = b == 0 || b == kHistogramBins - 1 ? edge : inner;
            top = std::max(top, high);
            if (h.mean[static_cast<std::size_t>(b)] > 0)
                smallest = std::min(smallest, h.mean[static_cast<std::size_t>(b)]);
        }
    if (m_logScale->isChecked()) {
        y->setScaleType(QCPAxis::stLogarithmic);
        y->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        y->setRange(std::max(1e-6, smallest / 2), std::max(inner, edge) * 2);
    } else {
        y->setScaleType(QCPAxis::stLinear);
        y->setTicker(QSharedPointer<QCPAxisTicker>::create());
        y->setRange(0, std::max(1e-6, inner) * 1.1);
    }
    m_histograms->replot();
    if (!m_logScale->isChecked() && edge > inner * 1.1)
        m_note->setText(m_note->text().section(QStringLiteral(" The spike"), 0, 0) +
                        tr(" The spike at pure black or white (up to %1 of the pixels) is cut "
                           "off at the top; Log scale shows it.")
                            .arg(edge, 0, 'f', 2));
}

int ChartsPage::sampleImagesShown() const {
    int shown = 0;
    for (const QLabel *label : m_samplesBox->findChildren<QLabel *>())
        shown += !label->pixmap().isNull();
    return shown;
}

// Three images per class, decoded on a worker thread: full-size X-rays take
// tens of milliseconds each, too long for the GUI thread.
void ChartsPage::loadSampleThumbnails() {
    showSamples(); // empties the strip at once
    if (!m_index)
        return;
    const auto index = m_index;
    m_thumbnails.setFuture(QtConcurrent::run([index] {
        constexpr int kPerClass = 3, kSize = 96;
        QList<Thumbnail> thumbnails;
        std::vector<int> shown(index->classes.size(), 0);
        for (const Sample &s : index->samples) {
            if (shown[static_cast<std::size_t>(s.label)]++ >= kPerClass)
                continue;
            thumbnails.push_back({s.label,
                                  QString::fromStdString(s.path.filename().string()),
                                  thumbnailOf(s.path, kSize)});
        }
        return thumbnails;
    }));
}

void ChartsPage::showSamples() {
    while (QLayoutItem *item = m_samples->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    if (!m_index)
        return;
    constexpr int kPerClass = 3, kSize = 96;
    const QList<Thumbnail> thumbnails = m_thumbnails.isFinished() && m_thumbnails.future().isValid()
                                            ? m_thumbnails.result()
                                            : QList<Thumbnail>();
    std::vector<int> shown(m_index->classes.size(), 0);
    for (std::size_t c = 0; c < m_index->classes.size(); ++c) {
        auto *name = new QLabel(QString::fromStdString(m_index->classes[c]), m_samplesBox);
        m_samples->addWidget(
            name, 0, static_cast<int>(c) * kPerClass, 1, kPerClass, Qt::AlignCenter);
    }
    for (const Thumbnail &t : thumbnails) {
        const auto c = static_cast<std::size_t>(t.label);
        if (c >= shown.size())
            continue; // a thumbnail of a dataset replaced meanwhile
        auto *label = new QLabel(m_samplesBox);
        label->setPixmap(QPixmap::fromImage(t.image));
        label->setToolTip(t.name);
        label->setFixedSize(kSize, kSize);
        label->setAlignment(Qt::AlignCenter);
        m_samples->addWidget(label, 1, static_cast<int>(c) * kPerClass + shown[c]++);
    }
}

void ChartsPage::exportCharts() {
    QString file = QFileDialog::getSaveFileName(
        this, tr("Export charts"), QStringLiteral("charts.png"), tr("PNG (*.png);;PDF (*.pdf)"));
    if (file.isEmpty())
        return;
    if (QFileInfo(file).suffix().isEmpty())
        file += QStringLiteral(".png");
    if (exportTo(file))
        Q_EMIT statusMessage(tr("Saved %1").arg(file));
    else
        QMessageBox::warning(this, tr("Export"), tr("Could not write %1").arg(file));
}

bool ChartsPage::exportTo(const QString &file) {
    // One file, named as the user typed it, with everything the page shows.
    if (file.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive)) {
        QPdfWriter pdf(file);
        pdf.setPageSize(
            QPageSize(QSizeF(m_exported->width(), m_exported->height()), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setResolution(72);
        QPainter painter;
        if (!painter.begin(&pdf))
            return false;
        m_exported->render(&painter);
        return painter.end();
    }
    const qreal scale = 2.0; // sharp when printed or zoomed
    QImage image(m_exported->size() * scale, QImage::Format_ARGB32);
    image.setDevicePixelRatio(scale);
    image.fill(Qt::white);
    QPainter painter(&image);
    m_exported->render(&painter);
    painter.end();
    return image.save(file);
}

} // namespace cxr::ui
