// SPDX-License-Identifier: MIT
#include "runs_table.h"

#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <QtConcurrent/QtConcurrentRun>

#include "numeric_item.h"

namespace cxr::ui {
namespace {

constexpr int kDirRole = Qt::UserRole; // on the run's name cell

QString score(double value) {
    return value < 0 ? QStringLiteral("–") : QString::number(value, 'f', 3);
}

} // namespace

RunsTable::RunsTable(QWidget *parent)
    : QWidget(parent), m_folder(new QLineEdit(this)), m_table(new QTableWidget(this)),
      m_status(new QLabel(this)) {
    m_table->setObjectName(QStringLiteral("runs"));
    m_table->setColumnCount(9);
    m_table->setHorizontalHeaderLabels({tr("run"),
                                        tr("preset"),
                                        tr("task"),
                                        tr("architecture"),
                                        tr("epochs"),
                                        tr("best val bal. acc. (epoch)"),
                                        tr("test acc."),
                                        tr("test bal. acc."),
                                        tr("started")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSortingEnabled(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->setToolTip(tr("Tick runs to overlay their curves; double-click a run to open it"));
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        Q_EMIT openRequested(m_table->item(row, 0)->data(kDirRole).toString());
    });

    auto *choose = new QPushButton(tr("…"), this);
    connect(choose, &QPushButton::clicked, this, [this] {
        const QString dir =
            QFileDialog::getExistingDirectory(this, tr("A folder of runs"), m_folder->text());
        if (!dir.isEmpty())
            setFolder(dir);
    });
    auto *reload = new QPushButton(tr("Refresh"), this);
    connect(reload, &QPushButton::clicked, this, &RunsTable::refresh);
    connect(m_folder, &QLineEdit::editingFinished, this, &RunsTable::refresh);
    auto *compare = new QPushButton(tr("Overlay ticked runs' curves"), this);
    compare->setObjectName(QStringLiteral("compareRuns"));
    connect(compare, &QPushButton::clicked, this, [this] {
        const QStringList runs = checkedRuns();
        if (runs.isEmpty())
            m_status->setText(tr("Tick the runs to compare first."));
        else
            Q_EMIT compareRequested(runs);
    });
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Runs in"), this));
    top->addWidget(m_folder, 1);
    top->addWidget(choose);
    top->addWidget(reload);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_status, 1);
    bottom->addWidget(compare);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_table, 1);
    layout->addLayout(bottom);

    connect(&m_watcher, &QFutureWatcher<std::vector<RunOverview>>::finished, this, [this] {
        if (std::exchange(m_again, false)) {
            refresh();
            return;
        }
        showRuns(m_watcher.result());
    });
}

RunsTable::~RunsTable() { m_watcher.waitForFinished(); }

void RunsTable::setFolder(const QString &folder) {
    m_folder->setText(folder);
    refresh();
}

QString RunsTable::folder() const { return m_folder->text(); }

void RunsTable::refresh() {
    if (m_watcher.isRunning()) {
        m_again = true;
        return;
    }
    m_status->setText(tr("Reading %1…").arg(folder()));
    const std::filesystem::path path = folder().toStdString();
    m_watcher.setFuture(QtConcurrent::run([path] { return listRuns(path); }));
}

void RunsTable::showRuns(const std::vector<RunOverview> &runs) {
    const QStringList ticked = checkedRuns();
    m_table->setSortingEnabled(false);
    m_table->setRowCount(static_cast<int>(runs.size()));
    for (int row = 0; row < static_cast<int>(runs.size()); ++row) {
        const RunOverview &run = runs[static_cast<std::size_t>(row)];
        const QString dir = QString::fromStdString(run.dir.string());
        auto *name = new QTableWidgetItem(QString::fromStdString(run.dir.filename().string()));
        name->setData(kDirRole, dir);
        name->setToolTip(dir);
        name->setFlags(name->flags() | Qt::ItemIsUserCheckable);
        name->setCheckState(ticked.contains(dir) ? Qt::Checked : Qt::Unchecked);
        m_table->setItem(row, 0, name);
        m_table->setItem(row,
                         1,
                         new QTableWidgetItem(run.config.preset.empty()
                                                  ? tr("custom")
                                                  : QString::fromStdString(run.config.preset)));
        m_table->setItem(
            row, 2, new QTableWidgetItem(QString::fromLatin1(taskName(run.config.task))));
        m_table->setItem(
            row, 3, new QTableWidgetItem(QString::fromLatin1(architectureName(run.config.arch))));
        m_table->setItem(
            row,
            4,
            new NumericItem(QStringLiteral("%1 / %2").arg(run.epochs).arg(run.config.epochs),
                            run.epochs));
        m_table->setItem(
            row,
            5,
            new NumericItem(
                run.bestValBalanced < 0
                    ? score(-1)
                    : QStringLiteral("%1 (%2)").arg(score(run.bestValBalanced)).arg(run.bestEpoch),
                run.bestValBalanced));
        m_table->setItem(row, 6, new NumericItem(score(run.testAccuracy), run.testAccuracy));
        m_table->setItem(row, 7, new NumericItem(score(run.testBalanced), run.testBalanced));
        m_table->setItem(row, 8, new QTableWidgetItem(QString::fromStdString(run.started)));
    }
    m_table->setSortingEnabled(true);
    m_status->setText(runs.empty() ? tr("No runs in %1 yet.").arg(folder())
                                   : tr("%1 runs").arg(runs.size()));
    Q_EMIT refreshed();
}

QStringList RunsTable::checkedRuns() const {
    QStringList runs;
    for (int row = 0; row < m_table->rowCount(); ++row)
        if (const QTableWidgetItem *name = m_table->item(row, 0);
            name && name->checkState() == Qt::Checked)
            runs << name->data(kDirRole).toString();
    return runs;
}

void RunsTable::setChecked(int row, bool checked) {
    if (QTableWidgetItem *name = m_table->item(row, 0))
        name->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
}

} // namespace cxr::ui
