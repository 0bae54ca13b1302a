// SPDX-License-Identifier: MIT
#include "train/split.h"

#include <algorithm>
#include <map>
#include <string>

#include "data/transforms.h" // mixSeed

namespace cxr {
namespace {

// Moves about `fraction` of `pool`'s samples of each class to `out`,
// whole patients at a time. Samples without a patient id count as their
// own patient. Patients are visited in a seeded random order; a patient
// joins `out` while its class is still short of its quota.
void carveByPatient(const DatasetIndex &index,
                    const TaskView &view,
                    std::vector<std::size_t> &pool,
                    std::vector<std::size_t> &out,
                    double fraction,
                    std::uint64_t seed) {
    if (fraction <= 0 || pool.empty())
        return;
    std::map<std::string, std::vector<std::size_t>> patients;
    for (std::size_t i : pool) {
        const Sample &s = index.samples[i];
        patients[s.patientId.empty() ? "#" + s.path.string() : s.patientId].push_back(i);
    }
    std::vector<std::pair<std::uint64_t, const std::vector<std::size_t> *>> order;
    std::uint64_t k = 0;
    for (const auto &[id, members] : patients)
        order.emplace_back(mixSeed(seed, k++), &members);
    std::sort(
        order.begin(), order.end(), [](const auto &a, const auto &b) { return a.first < b.first; });

    std::vector<double> quota(view.classes.size(), 0.0), taken(view.classes.size(), 0.0);
    for (std::size_t i : pool)
        quota[static_cast<std::size_t>(view.labels[i])] += fraction;
    std::vector<bool> moved(index.samples.size(), false);
    for (const auto &[key, members] : order) {
        // A patient's images share the class of the first (mixed-class
        // patients are rare; the first image decides).
        const auto label = static_cast<std::size_t>(view.labels[members->front()]);
        if (taken[label] + 0.5 > quota[label])
            continue;
        for (std::size_t i : *members) {
            moved[i] = true;
            taken[static_cast<std::size_t>(view.labels[i])] += 1;
            out.push_back(i);
        }
    }
    pool.erase(
        std::remove_if(pool.begin(), pool.end(), [&moved](std::size_t i) { return moved[i]; }),
        pool.end());
    std::sort(out.begin(), out.end());
}

} // namespace

RunSplit splitForTraining(const DatasetIndex &index,
                          const TaskView &view,
                          double valFraction,
                          std::uint64_t seed) {
    RunSplit split;
    std::vector<std::size_t> unsplit;
    for (std::size_t i = 0; i < index.samples.size(); ++i) {
        if (view.labels[i] < 0)
            continue;
        switch (index.samples[i].split) {
        case Split::Train:
            split.train.push_back(i);
            break;
        case Split::Val:
            split.val.push_back(i);
            break;
        case Split::Test:
            split.test.push_back(i);
            break;
        case Split::Unsplit:
            unsplit.push_back(i);
            break;
        }
    }
    if (!unsplit.empty()) {
        carveByPatient(index, view, unsplit, split.test, 0.2, mixSeed(seed, 0x7E57));
        split.train.insert(split.train.end(), unsplit.begin(), unsplit.end());
    }
    if (valFraction > 0) {
        // The dataset's own val split (Kermany's has 16 images) joins the pool.
        split.train.insert(split.train.end(), split.val.begin(), split.val.end());
        split.val.clear();
        std::sort(split.train.begin(), split.train.end());
        carveByPatient(index, view, split.train, split.val, valFraction, mixSeed(seed, 0x5A1));
    }
    return split;
}

} // namespace cxr
