// SPDX-License-Identifier: MIT
// The widget tests' main: offscreen, and settings and caches in folders of
// their own, so that no test reads or changes the user's preferences,
// recent files or thumbnails.
#include <QApplication>
#include <QSettings>
#include <QTemporaryDir>

#include <gtest/gtest.h>

int main(int argc, char **argv) {
    // Widget tests never need a display; this also lets ctest list them.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QTemporaryDir settings;
    if (!settings.isValid())
        return 2;
    qputenv("XDG_CONFIG_HOME", settings.path().toLocal8Bit());
    QTemporaryDir cache; // thumbnails and the demo dataset, away from the user's
    if (!cache.isValid())
        return 2;
    // bench/gui_scale.sh keeps one cache over two runs (cold, then warm).
    const QByteArray kept = qgetenv("CXR_TEST_CACHE_HOME");
    qputenv("XDG_CACHE_HOME", kept.isEmpty() ? cache.path().toLocal8Bit() : kept);
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("cxr-studio-tests"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings.path());
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
