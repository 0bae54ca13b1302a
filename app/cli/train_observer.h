// SPDX-License-Identifier: MIT
#pragma once

#include <string>

#include "cli/progress_line.h"
#include "train/trainer.h"

namespace cxr::cli {

// Prints a training run for a terminal: a live progress bar (batches, loss,
// accuracy, images/s, ETA) on stderr and one summary line per epoch on
// stdout.
class ConsoleTrainObserver : public TrainObserver {
  public:
    explicit ConsoleTrainObserver(std::string prefix = {}) : m_prefix(std::move(prefix)) {}
    void onLog(const std::string &line) override;
    void onBatch(const BatchProgress &progress) override;
    void onEpoch(const EpochReport &report) override;

  private:
    std::string m_prefix;
    ProgressLine m_line{"train"};
};

// Ctrl-C (SIGINT) or SIGTERM requests a cancel (a resumable stop at the next
// batch) instead of killing the process; with `repeatKills`, a second one
// kills it. A rank of a torchrun job passes false: a Ctrl-C reaches it twice
// (from the terminal and forwarded by torchrun), and torchrun itself kills
// a worker that does not stop within its grace period.
void cancelOnInterrupt(CancelToken &token, bool repeatKills = true);

} // namespace cxr::cli
