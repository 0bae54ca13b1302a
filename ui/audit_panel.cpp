// SPDX-License-Identifier: MIT
#include "audit_panel.h"

#include <QFileDialog>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <QtConcurrent/QtConcurrentRun>

#include "atomic_file.h"
#include "audit_task.h"
#include "gray_image.h"
#include "report/audit_report.h"

namespace cxr::ui {
namespace {

constexpr int kThumbnail = 220;
constexpr int kSamplesRole = Qt::UserRole + 1;

QString relative(const DatasetIndex &index, std::size_t sample) {
    return QString::fromStdString(index.relativePath(sample));
}

QString where(const DatasetIndex &index, std::size_t sample) {
    const int label = index.samples[sample].label;
    return QStringLiteral("%1, %2").arg(
        QString::fromLatin1(splitName(index.samples[sample].split)),
        label >= 0 ? QString::fromStdString(index.classes[static_cast<std::size_t>(label)])
                   : QStringLiteral("?"));
}

QVariant samplesVariant(const std::vector<std::size_t> &samples) {
    QVariantList list;
    for (std::size_t s : samples)
        list << QVariant::fromValue(static_cast<qulonglong>(s));
    return list;
}

} // namespace

AuditPanel::AuditPanel(QWidget *parent)
    : QWidget(parent), m_task(new AuditTask(this)), m_run(new QPushButton(tr("Run audit"), this)),
      m_cancel(new QPushButton(tr("Cancel"), this)),
      m_report(new QPushButton(tr("Write report…"), this)),
      m_save(new QPushButton(tr("Save exclusions…"), this)),
      m_train(new QPushButton(tr("Train without flagged images"), this)),
      m_progress(new QProgressBar(this)), m_summary(new QLabel(this)),
      m_findings(new QTreeWidget(this)), m_images(new QListWidget(this)),
      m_shortcuts(new QTableWidget(this)) {
    setObjectName(QStringLiteral("auditPanel"));
    m_run->setObjectName(QStringLiteral("runAudit"));
    m_train->setObjectName(QStringLiteral("trainWithout"));
    m_train->setToolTip(tr("Leaves out the extra copies of each film, films with conflicting "
                           "labels and the test images of patients also in training"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setText(tr("Checks the dataset for the same film more than once, patients in "
                          "several splits, classes that image size or format alone tell "
                          "apart, and images unlike the rest."));
    m_findings->setHeaderLabels({tr("finding"), tr("images")});
    m_findings->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_images->setViewMode(QListView::IconMode);
    m_images->setIconSize(QSize(kThumbnail, kThumbnail));
    m_images->setResizeMode(QListView::Adjust);
    m_images->setWordWrap(true);
    m_images->setSpacing(6);
    m_shortcuts->setColumnCount(3);
    m_shortcuts->setHorizontalHeaderLabels(
        {tr("properties"), tr("balanced accuracy"), tr("chance")});
    m_shortcuts->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_shortcuts->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_shortcuts->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_shortcuts->verticalHeader()->setDefaultSectionSize(m_shortcuts->fontMetrics().height() + 6);
    m_shortcuts->verticalHeader()->hide();
    m_shortcuts->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_shortcuts->setMaximumHeight(170);
    layOut();
    connectSignals();
    setBusy(false);
    m_run->setEnabled(false);
}

void AuditPanel::layOut() {
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_progress, 1);
    buttons->addWidget(m_report);
    buttons->addWidget(m_save);
    buttons->addWidget(m_train);
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_findings, 1);
    leftLayout->addWidget(m_shortcuts);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(m_images);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);
}

void AuditPanel::connectSignals() {
    connect(m_run, &QPushButton::clicked, this, &AuditPanel::runAudit);
    connect(m_cancel, &QPushButton::clicked, m_task, &AuditTask::cancel);
    connect(m_report, &QPushButton::clicked, this, &AuditPanel::saveReport);
    connect(m_save, &QPushButton::clicked, this, &AuditPanel::saveExclusions);
    connect(m_train, &QPushButton::clicked, this, [this] { Q_EMIT trainWithout(exclusions()); });
    connect(m_task, &AuditTask::progress, this, [this](int done, int total) {
        m_progress->setRange(0, total);
        m_progress->setValue(done);
    });
    connect(m_task, &AuditTask::finished, this, &AuditPanel::showAudit);
    connect(m_task, &AuditTask::failed, this, [this](const QString &message) {
        setBusy(false);
        m_summary->setText(tr("The audit failed: %1").arg(message.toHtmlEscaped()));
    });
    connect(m_task, &AuditTask::cancelled, this, [this] {
        setBusy(false);
        m_summary->setText(tr("Audit cancelled."));
    });
    connect(m_findings, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (!item || !m_index)
            return;
        std::vector<std::size_t> samples;
        QStringList notes;
        for (const QVariant &v : item->data(0, kSamplesRole).toList())
            samples.push_back(static_cast<std::size_t>(v.toULongLong()));
        for (std::size_t s : samples)
            notes << where(*m_index, s);
        showImages(samples, notes);
    });
}

void AuditPanel::setDataset(std::shared_ptr<const DatasetIndex> index) {
    m_task->cancel();
    m_index = std::move(index);
    m_audit.reset();
    m_findings->clear();
    m_images->clear();
    m_shortcuts->setRowCount(0);
    setBusy(false);
    m_run->setEnabled(m_index && !m_index->samples.empty());
}

void AuditPanel::runAudit() {
    if (!m_index)
        return;
    setBusy(true);
    m_summary->setText(tr("Auditing %1 images…").arg(m_index->samples.size()));
    m_task->start(m_index);
}

void AuditPanel::setBusy(bool busy) {
    m_run->setEnabled(!busy && m_index);
    m_cancel->setEnabled(busy);
    m_progress->setVisible(busy);
    if (busy)
        m_progress->setRange(0, 0);
    const bool results = !busy && m_audit;
    m_report->setEnabled(results);
    m_save->setEnabled(results);
    m_train->setEnabled(results && !exclusions().isEmpty());
}

QStringList AuditPanel::exclusions() const {
    QStringList out;
    if (m_index && m_audit)
        for (const std::string &path : auditExclusions(*m_index, *m_audit))
            out << QString::fromStdString(path);
    return out;
}

void AuditPanel::showAudit(std::shared_ptr<const DatasetAudit> audit, bool fromCache) {
    m_audit = std::move(audit);
    setBusy(false);
    const DatasetAudit &a = *m_audit;
    const std::size_t across = a.copyCounts().acrossSplits;
    QString text =
        tr("<b>%1 images</b> checked in %2 s%3: %4 copy groups (%5 across splits), "
           "%6 patients in several splits, %7 images unlike the rest, %8 unreadable.")
            .arg(a.images)
            .arg(a.seconds, 0, 'f', 1)
            .arg(fromCache ? tr(" (kept from earlier; the files have not changed)") : QString())
            .arg(a.duplicates.size())
            .arg(across)
            .arg(a.patients.size())
            .arg(a.outliers.size())
            .arg(a.unreadable.size());
    if (!a.shortcut.warning.empty())
        text += tr("<br><span style='color:#b00020'><b>Warning:</b> %1.</span>")
                    .arg(QString::fromStdString(a.shortcut.warning).toHtmlEscaped());
    if (across > 0 || !a.patients.empty())
        text += tr("<br><span style='color:#b00020'>Test results on this dataset as it is are "
                   "optimistic: some test films or patients are also in training.</span>");
    m_summary->setText(text);
    fillFindings();
    fillShortcuts();
    Q_EMIT audited();
    Q_EMIT statusMessage(tr("Audit finished"));
}

void AuditPanel::fillFindings() {
    m_findings->clear();
    const DatasetIndex &index = *m_index;
    const DatasetAudit &a = *m_audit;
    auto category = [this](const QString &name) {
        auto *item = new QTreeWidgetItem(m_findings, {name});
        QFont bold = item->font(0);
        bold.setBold(true);
        item->setFont(0, bold);
        return item;
    };
    QTreeWidgetItem *across = category(tr("Copies across splits (leakage)"));
    QTreeWidgetItem *conflicting = category(tr("Copies with conflicting labels"));
    QTreeWidgetItem *within = category(tr("Copies within a split"));
    for (const AuditDuplicate &d : a.duplicates) {
        QTreeWidgetItem *parent = d.conflictingLabels ? conflicting
                                  : d.acrossSplits    ? across
                                                      : within;
        const QString kind = d.exact ? tr("exact") : tr("near, score %1").arg(d.score, 0, 'f', 2);
        auto *item = new QTreeWidgetItem(parent,
                                         {tr("%1 (%2)").arg(relative(index, d.samples[0]), kind),
                                          QString::number(d.samples.size())});
        item->setData(0, kSamplesRole, samplesVariant(d.samples));
    }
    QTreeWidgetItem *patients = category(tr("Patients in several splits"));
    for (const PatientOverlap &p : a.patients) {
        auto *item = new QTreeWidgetItem(
            patients, {QString::fromStdString(p.patient), QString::number(p.samples.size())});
        item->setData(0, kSamplesRole, samplesVariant(p.samples));
    }
    QTreeWidgetItem *outliers = category(tr("Images unlike the rest"));
    for (const AuditOutlier &o : a.outliers) {
        auto *item = new QTreeWidgetItem(
            outliers,
            {tr("%1 (score %2)").arg(relative(index, o.sample)).arg(o.score, 0, 'f', 1),
             QStringLiteral("1")});
        item->setData(0, kSamplesRole, samplesVariant({o.sample}));
    }
    QTreeWidgetItem *unreadable = category(tr("Unreadable images"));
    for (const Rejected &r : a.unreadable)
        new QTreeWidgetItem(unreadable,
                            {QString::fromStdString(r.path.string() + ": " + r.reason)});
    QTreeWidgetItem *first = nullptr;
    for (int i = 0; i < m_findings->topLevelItemCount(); ++i) {
        QTreeWidgetItem *top = m_findings->topLevelItem(i);
        top->setText(1, QString::number(top->childCount()));
        top->setExpanded(top->childCount() > 0 && top->childCount() <= 20);
        if (!first && top->childCount() > 0)
            first = top->child(0);
    }
    // The most serious finding's images at once.
    if (first)
        m_findings->setCurrentItem(first);
}

void AuditPanel::fillShortcuts() {
    const ShortcutReport &s = m_audit->shortcut;
    m_shortcuts->setRowCount(static_cast<int>(s.groups.size()));
    for (int r = 0; r < static_cast<int>(s.groups.size()); ++r) {
        const ShortcutGroup &g = s.groups[static_cast<std::size_t>(r)];
        m_shortcuts->setItem(r, 0, new QTableWidgetItem(QString::fromStdString(g.name)));
        m_shortcuts->setItem(
            r, 1, new QTableWidgetItem(QString::number(g.balancedAccuracy, 'f', 2)));
        m_shortcuts->setItem(r, 2, new QTableWidgetItem(QString::number(s.chance, 'f', 2)));
    }
}

// Thumbnails are decoded on a worker thread; a newer selection supersedes
// an older one's results.
void AuditPanel::showImages(const std::vector<std::size_t> &samples, const QStringList &notes) {
    m_images->clear();
    const int request = ++m_imageRequest;
    std::vector<std::filesystem::path> files;
    for (std::size_t s : samples)
        files.push_back(m_index->samples[s].path);
    for (int i = 0; i < static_cast<int>(samples.size()); ++i)
        new QListWidgetItem(notes.value(i) + QLatin1Char('\n') +
                                relative(*m_index, samples[static_cast<std::size_t>(i)]),
                            m_images);
    auto *watcher = new QFutureWatcher<QList<QImage>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, request] {
        watcher->deleteLater();
        if (request != m_imageRequest)
            return;
        const QList<QImage> images = watcher->result();
        for (int i = 0; i < images.size() && i < m_images->count(); ++i)
            m_images->item(i)->setIcon(QIcon(QPixmap::fromImage(images[i])));
    });
    watcher->setFuture(QtConcurrent::run([files] {
        QList<QImage> images;
        for (const auto &file : files)
            images << thumbnailOf(file, kThumbnail);
        return images;
    }));
}

void AuditPanel::saveReport() {
    if (!m_audit)
        return;
    const QString out = QFileDialog::getSaveFileName(
        this, tr("Write the audit report"), QStringLiteral("audit.html"), tr("HTML (*.html)"));
    if (out.isEmpty())
        return;
    // The thumbnails take a few seconds for many findings: off the GUI thread.
    auto index = m_index;
    auto audit = m_audit;
    QPointer<AuditPanel> self(this);
    (void)QtConcurrent::run([index, audit, out, self] {
        QString message;
        try {
            writeAuditReport(*index, *audit, out.toStdString());
            message = tr("Audit report written: %1").arg(out);
        } catch (const std::exception &e) {
            message = tr("Audit report not written: %1").arg(QString::fromStdString(e.what()));
        }
        QMetaObject::invokeMethod(
            self.data(),
            [self, message] {
                if (self)
                    Q_EMIT self->statusMessage(message);
            },
            Qt::QueuedConnection);
    });
}

void AuditPanel::saveExclusions() {
    if (!m_audit)
        return;
    const QString out = QFileDialog::getSaveFileName(
        this, tr("Save the exclusion list"), QStringLiteral("exclusions.txt"), tr("Text (*.txt)"));
    if (out.isEmpty())
        return;
    try {
        writeFileAtomically(out.toStdString(),
                            exclusionsFileText(*m_index, auditExclusions(*m_index, *m_audit)));
        Q_EMIT statusMessage(tr("Exclusions saved: %1").arg(out));
    } catch (const std::exception &e) {
        QMessageBox::warning(this, tr("Save exclusions"), QString::fromStdString(e.what()));
    }
}

} // namespace cxr::ui
