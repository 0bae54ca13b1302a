// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>
#include <memory>

#include "eval/evaluation.h"

class QComboBox;
class QCustomPlot;
class QLabel;
class QLayout;
class QProgressBar;
class QPushButton;
class QSlider;
class QTableWidget;

namespace cxr::ui {

class EvaluationRunner;

// The Evaluation page: a model and a dataset split in, what a researcher
// reports out. Per class: sensitivity, specificity, PPV, NPV, F1 and AUC
// with 95% bootstrap intervals; ROC and precision-recall curves; the
// reliability diagram with the calibration error before and after the
// model's temperature; and an operating point per class, moved with a
// slider (the counts and rates follow live) and saved into the model.
// The evaluation runs off the GUI thread with progress and Cancel.
class EvaluationPage : public QWidget {
    Q_OBJECT
  public:
    explicit EvaluationPage(QWidget *parent = nullptr);
    ~EvaluationPage() override;

    void setDataset(const QString &path);
    void setModel(const QString &file);
    QString model() const { return m_model; }
    void chooseModel();
    void evaluate();
    // Evaluates as soon as both a model and a dataset are set (once).
    void evaluateWhenReady();
    // The threshold the slider stands at, for the class shown.
    double threshold() const;
    void setThreshold(double threshold);
    void setOperatingClass(int index);
    void saveOperatingPoint();

    const Evaluation *evaluation() const { return m_evaluation.get(); }
    QString message() const;
    QTableWidget *classTable() const { return m_table; }
    QCustomPlot *rocPlot() const { return m_roc; }
    QString operatingPointText() const;
    EvaluationRunner *runner() const { return m_runner; }

  Q_SIGNALS:
    void evaluated();
    void pointSaved();
    void statusMessage(const QString &text);

  private:
    void onEvaluated(const QString &model, std::shared_ptr<const Evaluation> evaluation);
    void showTable();
    void showOperatingPoint();
    void setMessage(const QString &text, bool error);
    void setBusy(bool busy);
    QLayout *buildInputs();
    void setUpTable();
    void connectRunner();
    QWidget *buildOperatingPointBox();

    EvaluationRunner *m_runner;
    QString m_model, m_dataset;
    bool m_evaluateWhenReady = false;
    std::shared_ptr<const Evaluation> m_evaluation;
    QLabel *m_modelLabel, *m_datasetLabel, *m_message, *m_summary, *m_pointText;
    QComboBox *m_split, *m_pointClass;
    QPushButton *m_evaluate, *m_cancel, *m_youden, *m_save;
    QProgressBar *m_progress;
    QTableWidget *m_table;
    QCustomPlot *m_roc, *m_pr, *m_reliability;
    QSlider *m_slider;
};

} // namespace cxr::ui
