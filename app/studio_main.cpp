// SPDX-License-Identifier: MIT
// cxr-studio: the desktop application. Research and teaching software, not
// for clinical use.
#include <QApplication>
#include <QCommandLineParser>

#include "main_window.h"

int main(int argc, char **argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("cxr-studio"));
    QApplication::setOrganizationName(QStringLiteral("cxr-studio"));
    QApplication::setApplicationDisplayName(QStringLiteral("CXR Studio"));
    QApplication::setApplicationVersion(QStringLiteral(CXR_VERSION));
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
    parser.addOption(dataset);
    parser.addOption(demo);
    parser.process(app);

    cxr::ui::MainWindow window;
    window.show();
    if (parser.isSet(dataset))
        window.openDataset(parser.value(dataset));
    else if (parser.isSet(demo))
        window.openDemo(cxr::ui::MainWindow::defaultDemoFolder());
    return QApplication::exec();
}
