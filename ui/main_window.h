// SPDX-License-Identifier: MIT
#pragma once

#include <QMainWindow>

class QLabel;
class QTabWidget;

namespace cxr::ui {

class DatasetPage;

// The CXR Studio main window: one tab per page, menus, and a status bar
// whose permanent notice says the software is not for clinical use.
// Remembers its geometry between sessions (QSettings).
class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    DatasetPage *datasetPage() const { return m_datasetPage; }

    // Opens the synthetic demo dataset, writing it to `folder` first (in the
    // background) when it is not there yet.
    void openDemo(const QString &folder);
    void openDataset(const QString &path);

    // The default location of the demo dataset in the user's cache.
    static QString defaultDemoFolder();

  private:
    void showAbout();

    QTabWidget *m_tabs;
    DatasetPage *m_datasetPage;
};

} // namespace cxr::ui
