// SPDX-License-Identifier: MIT
// The run folder's records of what a run was given and what its best model
// said of each test image: dataset.json and test_predictions.csv (the rest
// of RunDirectory is in run_directory.cpp).
#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "atomic_file.h"
#include "data/csv_reader.h"
#include "errors.h"
#include "train/run_directory.h"

namespace cxr {
namespace fs = std::filesystem;
namespace {

// RunDataset::counts' splits, in order.
constexpr Split kCountedSplits[] = {Split::Train, Split::Val, Split::Test};

} // namespace

int TestPrediction::predicted() const {
    return static_cast<int>(std::max_element(probabilities.begin(), probabilities.end()) -
                            probabilities.begin());
}

void RunDirectory::writeDataset(const RunDataset &dataset) const {
    nlohmann::json images = nlohmann::json::object();
    for (std::size_t s = 0; s < dataset.counts.size() && s < 3; ++s) {
        nlohmann::json perClass = nlohmann::json::object();
        for (std::size_t c = 0; c < dataset.classes.size() && c < dataset.counts[s].size(); ++c)
            perClass[dataset.classes[c]] = dataset.counts[s][c];
        images[splitName(kCountedSplits[s])] = perClass;
    }
    const nlohmann::json json = {{"path", dataset.root.string()},
                                 {"layout", dataset.layout},
                                 {"fingerprint", dataset.fingerprint},
                                 {"rejected", dataset.rejected},
                                 {"classes", dataset.classes},
                                 {"images", images}};
    writeFileAtomically(m_dir / "dataset.json", json.dump(2) + "\n");
}

std::optional<RunDataset> RunDirectory::readDataset(const fs::path &dir) {
    std::ifstream in(dir / "dataset.json");
    if (!in)
        return std::nullopt;
    const nlohmann::json json = nlohmann::json::parse(in, nullptr, false);
    if (json.is_discarded() || !json.is_object())
        return std::nullopt;
    try {
        RunDataset dataset;
        dataset.root = json.at("path").get<std::string>();
        dataset.layout = json.value("layout", "");
        dataset.fingerprint = json.value("fingerprint", "");
        dataset.rejected = json.value("rejected", std::size_t{0});
        dataset.classes = json.at("classes").get<std::vector<std::string>>();
        const nlohmann::json &images = json.at("images");
        for (Split s : kCountedSplits) {
            const char *split = splitName(s);
            std::vector<std::size_t> counts;
            for (const std::string &name : dataset.classes)
                counts.push_back(images.contains(split) ? images[split].value(name, std::size_t{0})
                                                        : std::size_t{0});
            dataset.counts.push_back(std::move(counts));
        }
        return dataset;
    } catch (const nlohmann::json::exception &) {
        return std::nullopt;
    }
}

void RunDirectory::writeTestPredictions(const std::vector<std::string> &classes,
                                        const std::vector<TestPrediction> &rows) const {
    std::ostringstream csv;
    csv << "file,label,predicted";
    for (const std::string &name : classes)
        csv << ',' << csvField(name);
    csv << '\n';
    csv.precision(6);
    for (const TestPrediction &row : rows) {
        const auto name = [&](int label) {
            return csvField(label >= 0 && static_cast<std::size_t>(label) < classes.size()
                                ? classes[static_cast<std::size_t>(label)]
                                : std::string());
        };
        csv << csvField(row.file) << ',' << name(row.label) << ',' << name(row.predicted());
        for (float p : row.probabilities)
            csv << ',' << p;
        csv << '\n';
    }
    writeFileAtomically(m_dir / "test_predictions.csv", csv.str());
}

std::vector<TestPrediction> RunDirectory::readTestPredictions(const fs::path &dir,
                                                              std::vector<std::string> *classes) {
    std::vector<TestPrediction> rows;
    std::error_code error;
    const fs::path file = dir / "test_predictions.csv";
    if (!fs::is_regular_file(file, error))
        return rows;
    std::vector<CsvRow> records;
    try {
        records = readCsv(file);
    } catch (const Error &) {
        return rows;
    }
    if (records.empty() || records.front().fields.size() < 4)
        return rows;
    const std::vector<std::string> names(records.front().fields.begin() + 3,
                                         records.front().fields.end());
    if (classes)
        *classes = names;
    for (std::size_t r = 1; r < records.size(); ++r) {
        const std::vector<std::string> &fields = records[r].fields;
        if (fields.size() != names.size() + 3)
            continue;
        TestPrediction row;
        row.file = fields[0];
        row.label =
            static_cast<int>(std::find(names.begin(), names.end(), fields[1]) - names.begin());
        if (row.label >= static_cast<int>(names.size()))
            continue;
        try {
            for (std::size_t c = 3; c < fields.size(); ++c)
                row.probabilities.push_back(std::stof(fields[c]));
        } catch (const std::exception &) {
            continue;
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

} // namespace cxr
