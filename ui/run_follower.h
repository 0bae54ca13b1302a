// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>
#include <QTimer>
#include <optional>
#include <vector>

#include "train/run_directory.h"

namespace cxr::ui {

// What a run folder holds for the Training page, read off the GUI thread.
struct RunSnapshot {
    std::vector<MetricsRow> rows;                        // metrics.csv
    std::optional<ConfusionTable> confusion;             // the latest epoch's (val, else train)
    QString logTail;                                     // the last lines of log.txt
    bool finished = false;                               // summary.json exists
    double testAccuracy = -1, testBalancedAccuracy = -1; // from summary.json; -1 unknown

    // Reads `dir`; what is absent or torn stays empty.
    static RunSnapshot read(const QString &dir);
};

// Follows a run folder that another process writes (`cxr train`, a torchrun
// job, a run on a shared file system): every `interval` it looks at
// metrics.csv and log.txt, and when one changed it reads the run again on a
// worker thread and reports it. Like TensorBoard's reader of a log folder,
// it only reads, and a row still being written is left for the next look.
// Lives on the GUI thread; never blocks it.
class RunFollower : public QObject {
    Q_OBJECT
  public:
    explicit RunFollower(QObject *parent = nullptr, int intervalMs = 2000);

    // Starts following `dir` (reads it at once); stop() or another follow()
    // ends it.
    void follow(const QString &dir);
    void stop();
    bool isFollowing() const { return !m_dir.isEmpty(); }
    const QString &folder() const { return m_dir; }

  Q_SIGNALS:
    void updated(const cxr::ui::RunSnapshot &snapshot);

  private:
    void poll();
    QString signature() const; // sizes and times of the files that change

    QTimer m_timer;
    QString m_dir;
    QString m_seen; // signature at the last read
    bool m_reading = false;
    int m_generation = 0; // results of an earlier follow() are dropped
};

} // namespace cxr::ui
