// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace cxr::ui {

// Application preferences, stored with QSettings:
//   training/threads   LibTorch threads for training (0 = every core)
//   weights/cacheDir   where downloaded weights are kept (empty = default)
//   classify/colormap  the Classify page's default heatmap colormap
class PreferencesDialog : public QDialog {
    Q_OBJECT
  public:
    explicit PreferencesDialog(QWidget *parent = nullptr);
    void accept() override; // saves

    static int trainingThreads();
    static QString weightsCacheDir();
    static QString defaultColormap();

  private:
    QSpinBox *m_threads;
    QLineEdit *m_cache;
    QComboBox *m_colormap;
};

} // namespace cxr::ui
