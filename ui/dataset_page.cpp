// SPDX-License-Identifier: MIT
#include "dataset_page.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include "audit_panel.h"
#include "class_distribution_plot.h"
#include "counts_table_model.h"
#include "dataset_scan_task.h"
#include "image_browser.h"
#include "rejected_table_model.h"

namespace cxr::ui {

DatasetPage::DatasetPage(QWidget *parent)
    : QWidget(parent), m_task(new DatasetScanTask(this)), m_title(new QLabel(this)),
      m_summary(new QLabel(this)), m_progress(new QProgressBar(this)),
      m_cancel(new QPushButton(tr("Cancel"), this)), m_countsView(new QTableView(this)),
      m_counts(new CountsTableModel(this)), m_chart(new ClassDistributionPlot(this)),
      m_lower(new QTabWidget(this)), m_browser(new ImageBrowser(this)),
      m_rejected(new RejectedTableModel(this)), m_audit(new AuditPanel(this)) {
    auto *openFolder = new QPushButton(tr("Open folder…"), this);
    auto *openCsv = new QPushButton(tr("Open CoronaHack CSV…"), this);
    connect(openFolder, &QPushButton::clicked, this, &DatasetPage::chooseFolder);
    connect(openCsv, &QPushButton::clicked, this, &DatasetPage::chooseCsv);
    connect(m_cancel, &QPushButton::clicked, m_task, &DatasetScanTask::cancel);

    m_title->setObjectName(QStringLiteral("title"));
    m_title->setText(tr("No dataset open"));
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setWordWrap(true);
    m_summary->setText(tr("Open a folder of class folders ({train,test}/<CLASS>/), a Kermany "
                          "chest_xray folder, or the CoronaHack metadata CSV."));

    auto *top = new QHBoxLayout;
    top->addWidget(m_title, 1);
    top->addWidget(openFolder);
    top->addWidget(openCsv);

    auto *busy = new QHBoxLayout;
    busy->addWidget(m_progress, 1);
    busy->addWidget(m_cancel);

    m_countsView->setModel(m_counts);
    m_countsView->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_countsView->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_countsView->setSelectionMode(QAbstractItemView::NoSelection);
    m_countsView->setMinimumWidth(300);

    auto *rejectedView = new QTableView(this);
    rejectedView->setModel(m_rejected);
    rejectedView->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Interactive);
    rejectedView->horizontalHeader()->setStretchLastSection(true);
    rejectedView->horizontalHeader()->resizeSection(0, 360);
    rejectedView->verticalHeader()->hide();
    rejectedView->setWordWrap(false);
    m_lower->addTab(m_browser, tr("Images"));
    m_lower->addTab(rejectedView, tr("Rejected files"));
    m_lower->addTab(m_audit, tr("Audit"));
    connect(m_audit, &AuditPanel::statusMessage, this, &DatasetPage::statusMessage);

    auto *upper = new QSplitter(Qt::Horizontal, this);
    upper->addWidget(m_countsView);
    upper->addWidget(m_chart);
    upper->setStretchFactor(0, 2);
    upper->setStretchFactor(1, 3);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(upper);
    split->addWidget(m_lower);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_summary);
    layout->addLayout(busy);
    layout->addWidget(split, 1);
    setBusy(false);

    connect(m_task, &DatasetScanTask::progress, this, [this](int done, int total) {
        m_progress->setRange(0, total);
        m_progress->setValue(done);
        m_progress->setFormat(tr("checking images %v / %m"));
    });
    connect(m_task, &DatasetScanTask::finished, this, &DatasetPage::onScanFinished);
    connect(m_task, &DatasetScanTask::failed, this, &DatasetPage::onScanFailed);
    connect(m_task, &DatasetScanTask::cancelled, this, [this] {
        setBusy(false);
        Q_EMIT statusMessage(tr("Scan cancelled"));
    });
}

void DatasetPage::auditWhenReady() {
    if (m_index) {
        m_lower->setCurrentWidget(m_audit);
        m_audit->runAudit();
        return;
    }
    m_auditWhenReady = true;
}

void DatasetPage::chooseFolder() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open dataset folder"));
    if (!dir.isEmpty())
        openDataset(dir);
}

void DatasetPage::chooseCsv() {
    const QString csv = QFileDialog::getOpenFileName(
        this, tr("Open CoronaHack metadata CSV"), {}, tr("CSV files (*.csv)"));
    if (!csv.isEmpty())
        openDataset(csv);
}

void DatasetPage::openDataset(const QString &path) {
    // The title, tables and images keep showing the open dataset until the
    // new one has been read: a folder that is not a dataset changes nothing.
    m_pendingPath = path;
    m_summary->setText(tr("Opening %1…").arg(path.toHtmlEscaped()));
    m_progress->setRange(0, 0); // busy until the first progress report
    setBusy(true);
    m_task->start(path);
}

void DatasetPage::setBusy(bool busy) {
    m_progress->setVisible(busy);
    m_cancel->setVisible(busy);
}

void DatasetPage::onScanFinished(std::shared_ptr<const DatasetIndex> index) {
    setBusy(false);
    m_index = index;
    m_counts->setIndex(index);
    m_rejected->setIndex(index);
    m_chart->setIndex(index);
    m_audit->setDataset(index);
    if (m_auditWhenReady) {
        m_auditWhenReady = false;
        m_lower->setCurrentWidget(m_audit);
        m_audit->runAudit();
    }
    m_title->setText(QString::fromStdString(index->root.string()));
    m_summary->setText(tr("Layout: <b>%1</b> — %2 classes, <b>%3</b> images loaded, <b>%4</b> "
                          "skipped (listed below with the reason).")
                           .arg(QString::fromLatin1(layoutName(index->layout)))
                           .arg(index->classes.size())
                           .arg(index->samples.size())
                           .arg(index->rejected.size()));
    m_lower->setTabText(1, tr("Rejected files (%1)").arg(index->rejected.size()));
    m_lower->setTabText(0, tr("Images (%1)").arg(index->samples.size()));
    m_browser->setIndex(index);
    Q_EMIT datasetLoaded(index);
    Q_EMIT statusMessage(
        tr("%1 images loaded, %2 skipped").arg(index->samples.size()).arg(index->rejected.size()));
}

void DatasetPage::onScanFailed(const QString &message) {
    setBusy(false);
    const QString shown =
        m_index ? tr(" Still showing %1.").arg(QString::fromStdString(m_index->root.string()))
                : QString();
    m_summary->setText(
        tr("<b>Could not open %1.</b> %2%3")
            .arg(m_pendingPath.toHtmlEscaped(), message.toHtmlEscaped(), shown.toHtmlEscaped()));
    Q_EMIT statusMessage(tr("Could not open %1").arg(m_pendingPath));
}

} // namespace cxr::ui
