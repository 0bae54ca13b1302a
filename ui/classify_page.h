// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>
#include <QWidget>
#include <memory>
#include <string>
#include <vector>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QProgressBar;
class QPushButton;
class QSlider;

namespace cxr::ui {

class ClassifyRunner;
struct ClassifyResult;
class ImageViewer;

// The Classify page: drop or open X-rays (PNG, JPEG, DICOM ...), pick a
// model, read the class probabilities and look at the Grad-CAM overlay in
// a viewer with zoom, pan, window/level and invert. Decoding, inference
// and Grad-CAM run off the GUI thread (ClassifyRunner) with progress and
// Cancel; results come back as values, each with its own model's class
// names, and are drawn here. Says where results are shown that this is not
// for clinical use.
class ClassifyPage : public QWidget {
    Q_OBJECT
  public:
    explicit ClassifyPage(QWidget *parent = nullptr);
    ~ClassifyPage() override;

    // Loads a model in the background; modelLoaded or a message follows.
    void loadModel(const QString &file);
    // Adds images to the list and shows the first.
    void addImages(const QStringList &files);

    bool hasModel() const;
    ImageViewer *viewer() const { return m_viewer; }
    QString message() const; // the current error or notice text
    std::vector<float> probabilities() const;
    // The class names of the result on show (its own model's).
    std::vector<std::string> shownClasses() const;
    ClassifyRunner *runner() const { return m_runner; }

  public Q_SLOTS:
    void chooseModel();
    void chooseImages();
    void exportOverlay();
    void removeSelectedImages();

  Q_SIGNALS:
    void modelLoaded(const QString &file);
    void imageShown(const QString &file); // after a classification (or a failure) is shown
    void statusMessage(const QString &message);

  protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

    void keyPressEvent(QKeyEvent *event) override;

  private:
    QWidget *buildControls();
    void classifyCurrent();
    void onResult(const ClassifyResult &result);
    void onModelLoaded(const QString &file);
    void onModelFailed(const QString &file, const QString &error);
    void setBusy(bool busy);
    void applyOverlayOptions();
    void showProbabilities();
    void setMessage(const QString &text, bool error);
    QListWidgetItem *itemFor(const QString &file) const;

    ClassifyRunner *m_runner;
    std::unique_ptr<ClassifyResult> m_current; // the result on show

    QComboBox *m_model;
    QListWidget *m_images;
    ImageViewer *m_viewer;
    QLabel *m_message;
    QCustomPlot *m_bars;
    QProgressBar *m_progress;
    QPushButton *m_cancel;
    QCheckBox *m_showOverlay, *m_invert;
    QSlider *m_opacity;
    QComboBox *m_colormap, *m_method, *m_target, *m_smoothing, *m_shifts;
};

} // namespace cxr::ui
