// SPDX-License-Identifier: MIT
// The end of a run: the best weights' predictions of the whole job, their
// calibration and operating points on the validation split, the
// out-of-distribution gate, and the test with its summary.
#include <sstream>

#include "errors.h"
#include "train/best_model.h"
#include "train/run_log_lines.h"
#include "train/sharding.h"
#include "train/training_run.h"

namespace cxr {

// Predictions of the whole job on `samples`: each rank predicts its share,
// and every rank gets all of them, in the samples' order.
Predictions TrainingRun::predict(const std::vector<std::size_t> &samples) {
    const int world = m_sync->worldSize();
    const std::vector<std::size_t> mine = strided(samples, m_sync->rank(), world);
    const Predictions own = m_strategy->predict(mine, m_data.labelsOf(mine));
    return interleaved(m_sync->gather(own), samples.size(), world);
}

// Temperature scaling (Guo et al. 2017) and operating points fitted on the
// validation split with the best weights, into `best` (rank 0's best model;
// nullptr on the other ranks) so that every later prediction uses them.
// Nothing without validation images.
std::optional<ValidationFit> TrainingRun::fitBestOnValidation(Checkpoint *best) {
    if (m_data.split.val.empty())
        return std::nullopt;
    const Predictions val = predict(m_data.split.val);
    ValidationFit fit =
        fitOnValidation(val.probabilities, val.labels, m_data.view.classes, {}, "val");
    if (best)
        best->metadataJson = withValidationFit(best->metadataJson, fit);
    const Calibration &calibration = fit.calibration;
    std::ostringstream line;
    line.precision(3);
    line << "calibrated on " << val.size() << " validation images: temperature "
         << calibration.temperature << ", expected calibration error " << calibration.eceBefore
         << " -> " << calibration.eceAfter;
    log(line.str());
    for (const std::string &note : fit.notes)
        log(note);
    return fit;
}

// Rank 0 alone, after testing (no collective follows): fits the
// out-of-distribution gate to the best weights, its threshold on the
// validation images, counts the test images it flags, and stores it in
// best.pt.
RunSummary::Gate TrainingRun::fitOodGate(Checkpoint &best) {
    std::string line;
    const RunSummary::Gate gate =
        storeOodGate(*m_network, m_index, m_data, m_loading, m_device, m_cancel, best, line);
    log(line);
    return gate;
}

RunSummary TrainingRun::testBest(bool earlyStopped) {
    const auto finishing = TrainingClock::now();
    // The best weights are rank 0's to read; every rank tests with them.
    // Rank 0 reads best.pt once and writes it once, with the calibration,
    // the operating points and the gate.
    std::optional<Checkpoint> best;
    if (m_run) {
        best = loadCheckpoint(m_run->bestCheckpoint());
        loadStateDict(*m_network, best->stateDict, m_run->bestCheckpoint().string());
    }
    std::vector<at::Tensor> state = m_network->parameters();
    for (const at::Tensor &buffer : m_network->buffers())
        state.push_back(buffer);
    m_sync->shareTensors(state);
    const std::optional<ValidationFit> fit = fitBestOnValidation(best ? &*best : nullptr);
    RunSummary summary;
    summary.runDir = m_dir;
    summary.classes = m_data.view.classes;
    summary.epochsRun = m_progress.epoch;
    summary.bestEpoch = m_progress.bestEpoch;
    summary.earlyStopped = earlyStopped;
    Predictions test = predict(m_data.split.test);
    summariseTest(test, fit, m_config.seed, summary);
    if (m_run && m_data.split.train.size() >= 2) {
        try {
            summary.gate = fitOodGate(*best);
        } catch (const Cancelled &) {
            // Training and testing are done; a stop now costs only the gate.
            log("stopped while fitting the out-of-distribution gate: best.pt has none");
        }
    }
    if (best)
        saveCheckpoint(m_run->bestCheckpoint(), *best);
    summary.trainImages = m_data.split.train.size();
    summary.valImages = m_data.split.val.size();
    summary.testImages = m_data.split.test.size();
    summary.seconds = m_times;
    summary.seconds.finish = secondsSince(finishing);
    summary.seconds.total = secondsSince(m_started);
    if (m_run) {
        if (summary.test.count > 0)
            m_run->writeConfusion("test", m_data.view.classes, summary.test);
        m_run->writeSummary(summary);
        writeTestPredictions(*m_run, m_index, m_data, test);
    }
    std::ostringstream line;
    line.precision(4);
    line << "finished: best epoch " << summary.bestEpoch << ", test accuracy "
         << summary.test.accuracy << ", balanced accuracy " << summary.test.balancedAccuracy;
    log(line.str());
    log(timesLine(summary.seconds));
    return summary;
}

} // namespace cxr
