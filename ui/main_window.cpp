// SPDX-License-Identifier: MIT
#include "main_window.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QScreen>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <algorithm>

#include <QtConcurrent/QtConcurrentRun>

#include "audit_panel.h"
#include "charts_page.h"
#include "classify_page.h"
#include "data/phantoms.h"
#include "dataset_page.h"
#include "evaluation_page.h"
#include "help_browser.h"
#include "preferences_dialog.h"
#include "training_controller.h"
#include "training_page.h"

namespace cxr::ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_tabs(new QTabWidget(this)), m_datasetPage(new DatasetPage(this)),
      m_chartsPage(new ChartsPage(this)), m_trainingPage(new TrainingPage(this)),
      m_evaluationPage(new EvaluationPage(this)), m_classifyPage(new ClassifyPage(this)) {
    setWindowTitle(tr("CXR Studio"));
    setAcceptDrops(true);
    setWindowIcon(QIcon(QStringLiteral(":/icons/cxr-studio.svg")));
    m_tabs->addTab(m_datasetPage, tr("Dataset"));
    m_tabs->addTab(m_chartsPage, tr("Charts"));
    m_tabs->addTab(m_trainingPage, tr("Training"));
    m_tabs->addTab(m_evaluationPage, tr("Evaluation"));
    m_tabs->addTab(m_classifyPage, tr("Classify"));
    connect(m_datasetPage,
            &DatasetPage::datasetLoaded,
            this,
            [this](std::shared_ptr<const cxr::DatasetIndex> index) {
                m_trainingPage->setDataset(QString::fromStdString(index->root.string()));
                m_evaluationPage->setDataset(QString::fromStdString(index->root.string()));
                rememberDataset(QString::fromStdString(index->root.string()));
                m_chartsPage->setIndex(index);
            });
    connect(m_datasetPage->auditPanel(),
            &AuditPanel::trainWithout,
            this,
            [this](const QStringList &excluded) {
                m_trainingPage->setExcluded(excluded);
                showPage(m_trainingPage);
            });
    connect(m_trainingPage, &TrainingPage::runFinished, this, [this](const QString &runDir) {
        // The finished run's best model is ready to try on the Classify page.
        m_classifyPage->loadModel(QDir(runDir).filePath(QStringLiteral("best.pt")));
        m_evaluationPage->setModel(QDir(runDir).filePath(QStringLiteral("best.pt")));
    });

    m_tabs->setDocumentMode(true);
    setCentralWidget(m_tabs);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(
        tr("Open dataset &folder…"), QKeySequence::Open, m_datasetPage, &DatasetPage::chooseFolder);
    file->addAction(tr("Open CoronaHack &CSV…"), m_datasetPage, &DatasetPage::chooseCsv);
    file->addAction(tr("Open &demo dataset"), this, [this] { openDemo(defaultDemoFolder()); });
    file->addSeparator();
    file->addAction(tr("Open &images to classify…"), this, [this] {
        showPage(m_classifyPage);
        m_classifyPage->chooseImages();
    });
    file->addAction(tr("Open &model…"), this, [this] {
        showPage(m_classifyPage);
        m_classifyPage->chooseModel();
    });
    file->addAction(tr("Open &run folder…"), this, [this] {
        showPage(m_trainingPage);
        m_trainingPage->openRun();
    });
    m_recentMenu = file->addMenu(tr("&Recent datasets"));
    rebuildRecentMenu();
    file->addSeparator();
    file->addAction(tr("&Preferences…"), this, [this] {
        if (PreferencesDialog(this).exec() == QDialog::Accepted)
            m_trainingPage->refreshPreferences();
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&User guide"), QKeySequence::HelpContents, this, [this] {
        auto *guide = new HelpBrowser(this);
        guide->setAttribute(Qt::WA_DeleteOnClose);
        guide->show();
    });
    help->addAction(tr("&About CXR Studio"), this, &MainWindow::showAbout);

    auto *notice = new QLabel(tr("Research and teaching software — not for clinical use"), this);
    notice->setStyleSheet(
        QStringLiteral("QLabel { color: #a00; font-weight: bold; padding: 0 6px; }"));
    statusBar()->addPermanentWidget(notice);
    const auto showStatus = [this](const QString &message) {
        statusBar()->showMessage(message, 8000);
    };
    connect(m_datasetPage, &DatasetPage::statusMessage, this, showStatus);
    connect(m_trainingPage, &TrainingPage::statusMessage, this, showStatus);
    connect(m_chartsPage, &ChartsPage::statusMessage, this, showStatus);
    connect(m_classifyPage, &ClassifyPage::statusMessage, this, showStatus);
    connect(m_evaluationPage, &EvaluationPage::statusMessage, this, showStatus);

    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray())) {
        // 1400 x 900, or a bit less than the screen when it is smaller.
        const QSize available = screen() ? screen()->availableSize() : QSize(1400, 900);
        resize(std::min(1400, available.width() * 95 / 100),
               std::min(900, available.height() * 95 / 100));
    }
}

MainWindow::~MainWindow() {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
}

void MainWindow::showPage(QWidget *page) { m_tabs->setCurrentWidget(page); }

void MainWindow::rememberDataset(const QString &path) {
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("dataset/recent")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    settings.setValue(QStringLiteral("dataset/recent"), recent.mid(0, 10));
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QStringLiteral("dataset/recent")).toStringList();
    for (const QString &path : recent)
        m_recentMenu->addAction(path, this, [this, path] { openDataset(path); });
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event) {
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event) {
    // A folder or CSV opens as a dataset; image files go to the Classify page.
    QStringList images;
    for (const QUrl &url : event->mimeData()->urls()) {
        const QFileInfo info(url.toLocalFile());
        if (info.isDir() || info.suffix().compare(QStringLiteral("csv"), Qt::CaseInsensitive) == 0)
            openDataset(info.absoluteFilePath());
        else if (info.exists())
            images << info.absoluteFilePath();
    }
    if (!images.isEmpty()) {
        m_classifyPage->addImages(images);
        showPage(m_classifyPage);
    }
    event->acceptProposedAction();
}

void MainWindow::closeEvent(QCloseEvent *event) {
    if (m_trainingPage->isTraining()) {
        const auto answer = QMessageBox::question(
            this,
            tr("Training is running"),
            tr("A training run is in progress. Stop it and quit?\n\nIt stops at the next batch and "
               "keeps a checkpoint; Resume on the Training page continues it later."),
            QMessageBox::Yes | QMessageBox::No,
            QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        m_trainingPage->stop();
        m_trainingPage->controller()->waitUntilIdle();
    }
    event->accept();
}

QString MainWindow::defaultDemoFolder() {
    // ~/.cache/cxr-studio/demo-phantoms: the same folder installer/run.sh fills.
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation))
        .filePath(QStringLiteral("cxr-studio/demo-phantoms"));
}

void MainWindow::openDataset(const QString &path) {
    m_tabs->setCurrentWidget(m_datasetPage);
    m_datasetPage->openDataset(path);
}

void MainWindow::openDemo(const QString &folder) {
    if (QFileInfo::exists(QDir(folder).filePath(QStringLiteral("README.md")))) {
        openDataset(folder);
        return;
    }
    statusBar()->showMessage(tr("Writing the synthetic demo dataset to %1…").arg(folder));
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, folder] {
        const QString error = watcher->result();
        watcher->deleteLater();
        if (!error.isEmpty()) {
            QMessageBox::warning(this, tr("Demo dataset"), error);
            return;
        }
        openDataset(folder);
    });
    const std::filesystem::path target = folder.toStdString();
    watcher->setFuture(QtConcurrent::run([target]() -> QString {
        try {
            writePhantomDataset(target, PhantomOptions{});
            return {};
        } catch (const std::exception &e) {
            return QString::fromStdString(e.what());
        }
    }));
}

void MainWindow::showAbout() {
    QMessageBox::about(
        this,
        tr("About CXR Studio"),
        tr("<h3>CXR Studio %1</h3>"
           "<p>Training and explaining chest X-ray classifiers: ResNet50 and DenseNet121 "
           "transfer learning after Bolhassani (2024).</p>"
           "<p><b>Research and teaching software — not for clinical use.</b> Its outputs are "
           "not a diagnosis and must not guide patient care.</p>"
           "<p>Built with Qt %2, OpenCV, DCMTK, QCustomPlot and LibTorch.</p>")
            .arg(QStringLiteral(CXR_VERSION), QString::fromLatin1(qVersion())));
}

} // namespace cxr::ui
