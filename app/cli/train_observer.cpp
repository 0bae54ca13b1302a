// SPDX-License-Identifier: MIT
#include "cli/train_observer.h"

#include <csignal>
#include <cstdio>
#include <iostream>

namespace cxr::cli {
namespace {

CancelToken *g_interruptToken = nullptr; // set once before the handler is installed
bool g_repeatKills = true;

void onInterrupt(int signal) {
    if (g_interruptToken)
        g_interruptToken->cancel(); // an atomic store: async-signal-safe
    if (g_repeatKills)
        std::signal(signal, SIG_DFL);
}

std::string duration(double seconds) {
    char text[32];
    if (seconds >= 3600)
        std::snprintf(text,
                      sizeof text,
                      "%dh%02dm",
                      static_cast<int>(seconds / 3600),
                      static_cast<int>(seconds / 60) % 60);
    else
        std::snprintf(text,
                      sizeof text,
                      "%dm%02ds",
                      static_cast<int>(seconds / 60),
                      static_cast<int>(seconds) % 60);
    return text;
}

} // namespace

void cancelOnInterrupt(CancelToken &token, bool repeatKills) {
    g_interruptToken = &token;
    g_repeatKills = repeatKills;
    std::signal(SIGINT, onInterrupt);
    // torchrun stops the workers of a job with SIGTERM (after Ctrl-C, or when
    // one of them died): stop the same way, with a checkpoint when the job
    // can still agree on one.
    std::signal(SIGTERM, onInterrupt);
}

void ConsoleTrainObserver::onLog(const std::string &line) {
    m_line.finish();
    std::cout << m_prefix << line << std::endl;
}

void ConsoleTrainObserver::onBatch(const BatchProgress &p) {
    char detail[160];
    std::snprintf(detail,
                  sizeof detail,
                  "epoch %d/%d  loss %.4f  acc %.3f  %.1f img/s  ETA %s",
                  p.epoch,
                  p.epochs,
                  p.loss,
                  p.accuracy,
                  p.imagesPerSecond,
                  duration(p.etaSeconds).c_str());
    m_line.update(p.batch, p.batches, detail);
}

void ConsoleTrainObserver::onEpoch(const EpochReport &) { m_line.finish(); }

} // namespace cxr::cli
