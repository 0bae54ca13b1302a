// SPDX-License-Identifier: MIT
#pragma once

#include <QGroupBox>

#include "train/train_config.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace cxr::ui {

// The Training page's run configuration: a Table 1 preset fills the fields;
// editing a field a preset defines turns the preset into "Custom" (and a run
// folder named after the preset is renamed), so the form never claims a
// preset it no longer is. Also shows where the run goes and how many
// compute threads it will use (set in Preferences).
class RunConfigForm : public QGroupBox {
    Q_OBJECT
  public:
    explicit RunConfigForm(QWidget *parent = nullptr);

    void setConfig(const TrainConfig &config);
    // `base` with the form's fields; what the form does not show (threads,
    // weights cache, world size...) is kept from `base`.
    TrainConfig config(const TrainConfig &base = {}) const;
    // The preset on show, or empty for "Custom".
    QString preset() const;
    void selectPreset(const QString &name);

    QString runFolder() const;
    void setRunFolder(const QString &path);
    // A new folder under the default runs folder, named by time and preset.
    QString newRunFolder() const;
    static QString defaultRunsFolder();

    // Rereads Preferences (compute threads, weights cache).
    void refreshPreferences();
    // The compute threads a run started now uses (Preferences; 0: every core).
    int threads() const;
    QString weightsCache() const;

    void setEditable(bool editable);

  private:
    void applyPreset(int index);
    void onEdited();
    void watchEdits();

    QComboBox *m_preset, *m_task, *m_arch, *m_init, *m_loss, *m_sampler, *m_freeze, *m_precision;
    QDoubleSpinBox *m_gamma, *m_hflip, *m_vflip, *m_rotation, *m_lr, *m_valFraction;
    QSpinBox *m_epochs, *m_batch, *m_imageSize, *m_seed;
    QLineEdit *m_runFolder;
    QLabel *m_threads;
    QString m_autoFolder; // the folder name the form chose itself, if unchanged
    bool m_filling = false;
};

} // namespace cxr::ui
