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
class QProgressBar;
class QPushButton;
class QSlider;

namespace cxr::ui {

class ClassifyRunner;
struct ClassifyResult;
class ImageTable;
class ImageViewer;

// The Classify page: drop or open X-rays (PNG, JPEG, DICOM ...) or whole
// folders, pick a model, and read every image's prediction in a sortable
// table (exported as CSV); the selected image's class probabilities and
// Grad-CAM overlay show in a viewer with zoom, pan, window/level and invert. Decoding, inference
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
    ImageTable *imageTable() const { return m_images; }

  public Q_SLOTS:
    void chooseModel();
    void chooseImages();
    void exportOverlay();
    void exportTable();

  public:
    // Writes the overlay on show, annotated, to `file`; false (with the
    // reason on the page) when there is none or it cannot be written.
    bool exportOverlayTo(const QString &file);

  Q_SIGNALS:
    void modelLoaded(const QString &file);
    void imageShown(const QString &file); // after a classification (or a failure) is shown
    void statusMessage(const QString &message);
    void tableClassified(); // every image in the table has a prediction (or an error)

  protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

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
    void onImagesRemoved(const QStringList &files);

    ClassifyRunner *m_runner;
    std::unique_ptr<ClassifyResult> m_current; // the result on show

    QComboBox *m_model;
    ImageTable *m_images;
    ImageViewer *m_viewer;
    QLabel *m_imageInfo;   // what the file is; DICOM: modality, view, spacing, window
    QLabel *m_batchStatus; // how many of the table's images are classified
    QLabel *m_message;
    QCustomPlot *m_bars;
    QProgressBar *m_progress;
    QPushButton *m_cancel;
    QCheckBox *m_showOverlay, *m_invert;
    QSlider *m_opacity;
    QComboBox *m_colormap, *m_method, *m_target, *m_smoothing, *m_shifts;
};

} // namespace cxr::ui
