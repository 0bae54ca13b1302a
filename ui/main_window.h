// SPDX-License-Identifier: MIT
#pragma once

#include <QMainWindow>

class QLabel;
class QTabWidget;

namespace cxr::ui {

class ChartsPage;
class ClassifyPage;
class DatasetPage;
class EvaluationPage;
class TrainingPage;

// The CXR Studio main window: one tab per page, menus, and a status bar
// whose permanent notice says the software is not for clinical use.
// Remembers its geometry between sessions (QSettings).
class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    DatasetPage *datasetPage() const { return m_datasetPage; }
    TrainingPage *trainingPage() const { return m_trainingPage; }
    ChartsPage *chartsPage() const { return m_chartsPage; }
    ClassifyPage *classifyPage() const { return m_classifyPage; }
    EvaluationPage *evaluationPage() const { return m_evaluationPage; }
    void showPage(QWidget *page);

    // Opens the synthetic demo dataset, writing it to `folder` first (in the
    // background) when it is not there yet.
    void openDemo(const QString &folder);
    void openDataset(const QString &path);

    // The default location of the demo dataset in the user's cache.
    static QString defaultDemoFolder();

  protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

  private:
    void showAbout();
    void rememberDataset(const QString &path);
    void rebuildRecentMenu();

    QMenu *m_recentMenu = nullptr;

    QTabWidget *m_tabs;
    DatasetPage *m_datasetPage;
    ChartsPage *m_chartsPage;
    TrainingPage *m_trainingPage;
    EvaluationPage *m_evaluationPage;
    ClassifyPage *m_classifyPage;
};

} // namespace cxr::ui
