// SPDX-License-Identifier: MIT
#include "charts_page.h"

#include <QFileDialog>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
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

    m_perClass->setRange(0, 100000);
    m_perClass->setValue(200);
    m_perClass->setSpecialValueText(tr("all"));
    m_perClass->setToolTip(
        tr("Images decoded per class (0 = all): an evenly spaced subset is faster"));
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
    m_note->setText(tr("Open a dataset on the Dataset page."));
}

ChartsPage::~ChartsPage() {
    m_cancel->cancel();
    m_watcher.waitForFinished();
}

void ChartsPage::setIndex(std::shared_ptr<const DatasetIndex> index) {
    m_cancel->cancel();
    m_watcher.waitForFinished();
    m_index = std::move(index);
    m_compute->setEnabled(static_cast<bool>(m_index));
    m_distribution->setIndex(m_index);
    m_histograms->clearGraphs();
    m_histograms->replot();
    showSamples();
    // Start right away in the background: with the per-class limit it takes
    // seconds, and the page is useful as soon as it is opened.
    if (m_index)
        computeHistograms();
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
    const QList<Outcome> results = m_watcher.future().results();
    if (results.isEmpty() || !results.front().stats) {
        const QString error =
            results.isEmpty() ? tr("Histograms cancelled.") : results.front().error;
        m_note->setText(error);
        Q_EMIT statusMessage(error);
        return;
    }
    showHistograms(*results.front().stats);
    Q_EMIT histogramsReady();
}

void ChartsPage::showHistograms(const IntensityStatistics &stats) {
    m_histograms->clearGraphs();
    double top = 0;
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
            top = std::max(top, high[b]);
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
    m_histograms->yAxis->setRange(0, top * 1.05);
    m_histograms->replot();
    m_note->setText(stats.failed.empty()
                        ? tr("Histograms of %1 classes.").arg(stats.histograms.size())
                        : tr("%1 images could not be decoded and were left out (first: %2).")
                              .arg(stats.failed.size())
                              .arg(QString::fromStdString(stats.failed.front().path.string() +
                                                          ": " + stats.failed.front().reason)));
}

void ChartsPage::showSamples() {
    while (QLayoutItem *item = m_samples->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    if (!m_index)
        return;
    constexpr int kPerClass = 3, kSize = 96;
    for (std::size_t c = 0; c < m_index->classes.size(); ++c) {
        auto *name = new QLabel(QString::fromStdString(m_index->classes[c]), m_samplesBox);
        m_samples->addWidget(
            name, 0, static_cast<int>(c) * kPerClass, 1, kPerClass, Qt::AlignCenter);
        int shown = 0;
        for (const Sample &s : m_index->samples) {
            if (s.label != static_cast<int>(c) || shown >= kPerClass)
                continue;
            // Thumbnails are small; decoding a handful here is quick.
            const QImage image = thumbnailOf(s.path, kSize);
            auto *label = new QLabel(m_samplesBox);
            label->setPixmap(QPixmap::fromImage(image));
            label->setToolTip(QString::fromStdString(s.path.filename().string()));
            label->setFixedSize(kSize, kSize);
            label->setAlignment(Qt::AlignCenter);
            m_samples->addWidget(label, 1, static_cast<int>(c) * kPerClass + shown);
            ++shown;
        }
    }
}

void ChartsPage::exportCharts() {
    const QString file = QFileDialog::getSaveFileName(this,
                                                      tr("Export charts"),
                                                      QStringLiteral("histograms.png"),
                                                      tr("PNG (*.png);;PDF (*.pdf)"));
    if (file.isEmpty())
        return;
    const QString base = file.left(file.lastIndexOf(QLatin1Char('.')));
    const bool pdf = file.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive);
    bool ok = true;
    QCustomPlot *distribution = m_distribution->plot();
    if (pdf) {
        ok &= m_histograms->savePdf(base + QStringLiteral("-histograms.pdf"));
        ok &= distribution->savePdf(base + QStringLiteral("-distribution.pdf"));
    } else {
        ok &= m_histograms->savePng(base + QStringLiteral("-histograms.png"), 0, 0, 2.0);
        ok &= distribution->savePng(base + QStringLiteral("-distribution.png"), 0, 0, 2.0);
    }
    if (!ok)
        QMessageBox::warning(this, tr("Export"), tr("Could not write %1").arg(base));
    else
        Q_EMIT statusMessage(tr("Saved %1-histograms and -distribution").arg(base));
}

} // namespace cxr::ui
