// SPDX-License-Identifier: MIT
#pragma once

#include <QFutureWatcher>
#include <QStringList>
#include <QWidget>
#include <memory>
#include <vector>

#include <opencv2/core/mat.hpp>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QListWidget;
class QSlider;

namespace cxr {
class Classifier;
}

namespace cxr::ui {

class ImageViewer;

// The Classify page: drop or open X-rays (PNG, JPEG, DICOM ...), pick a
// model, read the class probabilities and look at the Grad-CAM overlay in
// a viewer with zoom, pan, window/level and invert. Decoding, inference
// and Grad-CAM run on a worker thread (QtConcurrent); results come back as
// values and are drawn here. Says where results are shown that this is not
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

    bool hasModel() const { return static_cast<bool>(m_classifier); }
    ImageViewer *viewer() const { return m_viewer; }
    QString message() const; // the current error or notice text
    std::vector<float> probabilities() const { return m_probabilities; }

  public Q_SLOTS:
    void chooseModel();
    void chooseImages();
    void exportOverlay();

  Q_SIGNALS:
    void modelLoaded(const QString &file);
    void imageShown(const QString &file); // after a classification (or a failure) is shown
    void statusMessage(const QString &message);

  protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

  private:
    struct Result {
        QString file;
        cv::Mat gray, heatmap;
        std::vector<float> probabilities;
        int label = -1, target = -1;
        QString error;
    };
    void showImage(int row);
    void classifyCurrent();
    void onResult();
    void applyOverlayOptions();
    void showProbabilities();
    void setMessage(const QString &text, bool error);

    struct ModelLoad {
        std::shared_ptr<const Classifier> classifier;
        QString file, error;
    };
    void onModelLoaded();

    std::shared_ptr<const Classifier> m_classifier;
    QString m_modelFile;
    QFutureWatcher<Result> m_watcher;
    QFutureWatcher<ModelLoad> m_modelWatcher;
    bool m_pending = false; // another classification was asked for while one ran
    Result m_current;
    std::vector<float> m_probabilities;

    QComboBox *m_model;
    QListWidget *m_images;
    ImageViewer *m_viewer;
    QLabel *m_message;
    QCustomPlot *m_bars;
    QCheckBox *m_showOverlay, *m_invert;
    QSlider *m_opacity;
    QComboBox *m_colormap, *m_method, *m_target, *m_smoothing, *m_shifts;
};

} // namespace cxr::ui
