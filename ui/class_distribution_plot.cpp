// SPDX-License-Identifier: MIT
#include "class_distribution_plot.h"

#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>

#include "qcustomplot_include.h"

namespace cxr::ui {
namespace {

// One colour per split, distinguishable for the common colour-vision
// deficiencies (Okabe-Ito palette).
QColor splitColour(Split split) {
    switch (split) {
    case Split::Train:
        return QColor(0, 114, 178);
    case Split::Val:
        return QColor(230, 159, 0);
    case Split::Test:
        return QColor(0, 158, 115);
    case Split::Unsplit:
        break;
    }
    return QColor(86, 180, 233);
}

} // namespace

ClassDistributionPlot::ClassDistributionPlot(QWidget *parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)), m_warning(new QLabel(this)) {
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot, 1);
    m_warning->setObjectName(QStringLiteral("splitWarning"));
    m_warning->setWordWrap(true);
    m_warning->setStyleSheet(QStringLiteral("QLabel { color: #8a0000; font-weight: bold; }"));
    m_warning->setVisible(false);
    layout->addWidget(m_warning);
    m_plot->setMinimumSize(320, 240);
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0,
                                     0,
                                     new QCPTextElement(m_plot,
                                                        tr("Images per class and split"),
                                                        QFont("sans", 11, QFont::Bold)));
    m_plot->yAxis->setLabel(tr("images"));
    m_plot->xAxis->setLabel(tr("class"));
    m_plot->legend->setVisible(true);
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
}

void ClassDistributionPlot::setIndex(const std::shared_ptr<const DatasetIndex> &index) {
    m_plot->clearPlottables();
    if (!index) {
        m_plot->replot();
        return;
    }
    const auto counts = index->counts();
    const std::vector<Split> splits = [&index] {
        std::vector<Split> present;
        for (Split split : {Split::Train, Split::Val, Split::Test, Split::Unsplit})
            if (index->hasSplit(split))
                present.push_back(split);
        return present;
    }();
    // Each class's label carries its counts, so a class of 58 among
    // thousands is read, not guessed from a sliver of a bar.
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    m_warnings.clear();
    for (std::size_t c = 0; c < index->classes.size(); ++c) {
        const QString name = QString::fromStdString(index->classes[c]);
        QStringList parts;
        for (Split split : splits) {
            const std::size_t n = counts[static_cast<std::size_t>(split)][c];
            parts << (splits.size() == 1 ? QString::number(n)
                                         : QStringLiteral("%1 %2").arg(n).arg(
                                               QString::fromLatin1(splitName(split))));
            if (n == 0 && split != Split::Unsplit)
                m_warnings << tr("%1 has no %2 images: its %2 metrics cannot be measured.")
                                  .arg(name, QString::fromLatin1(splitName(split)));
        }
        ticker->addTick(static_cast<double>(c + 1),
                        name + QLatin1Char('\n') + parts.join(QLatin1Char('\n')));
    }
    m_plot->xAxis->setTicker(ticker);
    // Many classes: slanted labels, so that neighbours do not run together.
    m_plot->xAxis->setTickLabelRotation(index->classes.size() > 4 ? -30 : 0);
    m_warning->setText(m_warnings.join(QLatin1Char('\n')));
    m_warning->setVisible(!m_warnings.isEmpty());

    auto *group = new QCPBarsGroup(m_plot);
    std::size_t tallest = 0;
    for (Split split : splits) {
        auto *bars = new QCPBars(m_plot->xAxis, m_plot->yAxis);
        bars->setName(QString::fromLatin1(splitName(split)));
        bars->setBrush(splitColour(split));
        bars->setPen(QPen(splitColour(split).darker(130)));
        bars->setWidth(0.8 / 3);
        bars->setBarsGroup(group);
        for (std::size_t c = 0; c < index->classes.size(); ++c) {
            const std::size_t n = counts[static_cast<std::size_t>(split)][c];
            bars->addData(static_cast<double>(c + 1), static_cast<double>(n));
            tallest = std::max(tallest, n);
        }
    }
    m_plot->xAxis->setRange(0.4, static_cast<double>(index->classes.size()) + 0.6);
    m_plot->yAxis->setRange(0, std::max<double>(1.0, static_cast<double>(tallest) * 1.15));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace cxr::ui
