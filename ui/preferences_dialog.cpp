// SPDX-License-Identifier: MIT
#include "preferences_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QThread>

#include "weights/weights_download.h"

namespace cxr::ui {

int PreferencesDialog::trainingThreads() {
    return QSettings().value(QStringLiteral("training/threads"), 0).toInt();
}

QString PreferencesDialog::weightsCacheDir() {
    return QSettings().value(QStringLiteral("weights/cacheDir")).toString();
}

QString PreferencesDialog::defaultColormap() {
    return QSettings().value(QStringLiteral("classify/colormap"), QStringLiteral("jet")).toString();
}

PreferencesDialog::PreferencesDialog(QWidget *parent)
    : QDialog(parent), m_threads(new QSpinBox(this)), m_cache(new QLineEdit(this)),
      m_colormap(new QComboBox(this)) {
    setWindowTitle(tr("Preferences"));
    m_threads->setRange(0, 256);
    m_threads->setSpecialValueText(tr("all cores (%1)").arg(QThread::idealThreadCount()));
    m_threads->setValue(trainingThreads());
    m_cache->setText(weightsCacheDir());
    m_cache->setPlaceholderText(QString::fromStdString(defaultWeightsCache().string()));
    m_colormap->addItems(
        {QStringLiteral("jet"), QStringLiteral("inferno"), QStringLiteral("gray")});
    m_colormap->setCurrentText(defaultColormap());
    auto *browse = new QPushButton(tr("…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Weights cache"));
        if (!dir.isEmpty())
            m_cache->setText(dir);
    });
    auto *cacheRow = new QHBoxLayout;
    cacheRow->addWidget(m_cache, 1);
    cacheRow->addWidget(browse);
    auto *form = new QFormLayout(this);
    form->addRow(tr("Training threads"), m_threads);
    form->addRow(tr("Weights cache folder"), cacheRow);
    form->addRow(tr("Default heatmap colormap"), m_colormap);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &PreferencesDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

void PreferencesDialog::accept() {
    QSettings settings;
    settings.setValue(QStringLiteral("training/threads"), m_threads->value());
    settings.setValue(QStringLiteral("weights/cacheDir"), m_cache->text().trimmed());
    settings.setValue(QStringLiteral("classify/colormap"), m_colormap->currentText());
    QDialog::accept();
}

} // namespace cxr::ui
