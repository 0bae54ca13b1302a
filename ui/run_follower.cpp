// SPDX-License-Identifier: MIT
#include "run_follower.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>

#include <QtConcurrent/QtConcurrentRun>

#include "train/run_catalog.h"

namespace cxr::ui {
namespace {

// The last `lines` lines of a text file that may be growing.
QString tailOf(const QString &file, int lines) {
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly))
        return {};
    constexpr qint64 kTailBytes = 64 * 1024;
    if (in.size() > kTailBytes)
        in.seek(in.size() - kTailBytes);
    QStringList all = QString::fromUtf8(in.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (all.size() > lines)
        all = all.mid(all.size() - lines);
    return all.join(QLatin1Char('\n'));
}

} // namespace

RunSnapshot RunSnapshot::read(const QString &dir) {
    RunSnapshot snapshot;
    const std::filesystem::path path = dir.toStdString();
    snapshot.rows = RunDirectory::readMetrics(path);
    try {
        snapshot.confusion = RunDirectory::readConfusion(path, "val");
        if (!snapshot.confusion)
            snapshot.confusion = RunDirectory::readConfusion(path, "train");
    } catch (const std::exception &) {
        snapshot.confusion.reset(); // torn while being written: the next look reads it
    }
    snapshot.logTail = tailOf(QDir(dir).filePath(QStringLiteral("log.txt")), 200);
    if (const auto scores = readTestScores(path)) {
        snapshot.testAccuracy = scores->accuracy;
        snapshot.testBalancedAccuracy = scores->balancedAccuracy;
    }
    snapshot.finished = QFileInfo::exists(QDir(dir).filePath(QStringLiteral("summary.json")));
    return snapshot;
}

RunFollower::RunFollower(QObject *parent, int intervalMs) : QObject(parent) {
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &RunFollower::poll);
}

void RunFollower::follow(const QString &dir) {
    m_dir = dir;
    m_seen.clear();
    ++m_generation;
    m_reading = false;
    m_timer.start();
    poll();
}

void RunFollower::stop() {
    m_timer.stop();
    m_dir.clear();
    ++m_generation;
}

QString RunFollower::signature() const {
    QString text;
    for (const char *name : {"metrics.csv", "log.txt", "summary.json"}) {
        const QFileInfo info(QDir(m_dir).filePath(QString::fromLatin1(name)));
        text += QStringLiteral("%1:%2:%3;")
                    .arg(QString::fromLatin1(name))
                    .arg(info.exists() ? info.size() : -1)
                    .arg(info.exists() ? info.lastModified().toMSecsSinceEpoch() : 0);
    }
    return text;
}

void RunFollower::poll() {
    if (m_dir.isEmpty() || m_reading)
        return;
    const QString now = signature();
    if (now == m_seen)
        return;
    m_seen = now;
    m_reading = true;
    const int generation = m_generation;
    auto *watcher = new QFutureWatcher<RunSnapshot>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        m_reading = false;
        Q_EMIT updated(watcher->result());
    });
    const QString dir = m_dir;
    watcher->setFuture(QtConcurrent::run([dir] { return RunSnapshot::read(dir); }));
}

} // namespace cxr::ui
