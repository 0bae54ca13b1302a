// SPDX-License-Identifier: MIT
// cxr-studio: the desktop application. Research and teaching software, not
// for clinical use.
#include <QApplication>
#include <QCommandLineParser>

#include "charts_page.h"
#include "classify_page.h"
#include "dataset_page.h"
#include "evaluation_page.h"
#include "library_versions.h"
#include "main_window.h"
#include "training_page.h"

int main(int argc, char **argv) {
    // The icons live in cxr_ui, a static library: register them explicitly.
    Q_INIT_RESOURCE(resources);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("cxr-studio"));
    QApplication::setOrganizationName(QStringLiteral("cxr-studio"));
    QApplication::setApplicationDisplayName(QStringLiteral("CXR Studio"));
    // --version prints this after the program's name: the libraries too.
    QString version = QStringLiteral(CXR_VERSION "\n  Qt %1").arg(QString::fromLatin1(qVersion()));
    for (const auto &[name, libraryVersion] : cxr::coreLibraryVersions())
        version += QStringLiteral("\n  %1 %2")
                       .arg(QString::fromStdString(name), QString::fromStdString(libraryVersion));
    QApplication::setApplicationVersion(version);
    QApplication::setDesktopFileName(QStringLiteral("cxr-studio"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Train and explain chest X-ray classifiers (not for clinical use)."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dataset(QStringLiteral("dataset"),
                                     QStringLiteral("Open this dataset folder or CSV."),
                                     QStringLiteral("path"));
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QStringLiteral("Open the synthetic demo dataset."));
    const QCommandLineOption model(
        QStringLiteral("model"),
        QStringLiteral("Load this model (.pt) on the Classify and Evaluation pages."),
        QStringLiteral("file"));
    const QCommandLineOption page(
        QStringLiteral("page"),
        QStringLiteral("Start on this page: dataset, charts, training, evaluation, classify."),
        QStringLiteral("name"));
    const QCommandLineOption run(
        QStringLiteral("run"),
        QStringLiteral("Show this run folder on the Training page, and follow it while another "
                       "process (cxr train, a torchrun job) writes it."),
        QStringLiteral("folder"));
    const QCommandLineOption evaluate(
        QStringLiteral("evaluate"),
        QStringLiteral("Evaluate --model on the test split of --dataset once it is open "
                       "(Evaluation page)."));
    const QCommandLineOption audit(
        QStringLiteral("audit"),
        QStringLiteral("Audit --dataset once it is open (the Dataset page's Audit tab)."));
    parser.addOption(dataset);
    parser.addOption(evaluate);
    parser.addOption(audit);
    parser.addOption(demo);
    parser.addOption(model);
    parser.addOption(page);
    parser.addOption(run);
    parser.addPositionalArgument(QStringLiteral("images"),
                                 QStringLiteral("X-rays to open on the Classify page."),
                                 QStringLiteral("[images...]"));
    parser.process(app);

    cxr::ui::MainWindow window;
    window.show();
    if (parser.isSet(dataset))
        window.openDataset(parser.value(dataset));
    else if (parser.isSet(demo))
        window.openDemo(cxr::ui::MainWindow::defaultDemoFolder());
    if (parser.isSet(model)) {
        window.classifyPage()->loadModel(parser.value(model));
        window.evaluationPage()->setModel(parser.value(model));
    }
    if (parser.isSet(evaluate)) {
        window.evaluationPage()->evaluateWhenReady();
        window.showPage(window.evaluationPage());
    }
    if (parser.isSet(audit)) {
        window.datasetPage()->auditWhenReady();
        window.showPage(window.datasetPage());
    }
    if (!parser.positionalArguments().isEmpty()) {
        window.classifyPage()->addImages(parser.positionalArguments());
        window.showPage(window.classifyPage());
    }
    if (parser.isSet(run)) {
        window.trainingPage()->openRunFolder(parser.value(run));
        window.showPage(window.trainingPage());
    }
    const QString start = parser.value(page);
    if (start == QStringLiteral("training"))
        window.showPage(window.trainingPage());
    else if (start == QStringLiteral("charts"))
        window.showPage(window.chartsPage());
    else if (start == QStringLiteral("evaluation"))
        window.showPage(window.evaluationPage());
    else if (start == QStringLiteral("classify"))
        window.showPage(window.classifyPage());
    return QApplication::exec();
}
