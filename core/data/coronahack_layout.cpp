// SPDX-License-Identifier: MIT
#include "data/coronahack_layout.h"

#include <algorithm>
#include <array>
#include <map>

#include "data/class_names.h"
#include "data/csv_reader.h"
#include "errors.h"

namespace cxr {
namespace fs = std::filesystem;
namespace {

// Where the Kaggle archive keeps the images, relative to the CSV's folder:
// the archive nests the folder twice; people who re-pack it often flatten
// one or both levels.
const std::array<fs::path, 3> kImageRoots = {
    fs::path("Coronahack-Chest-XRay-Dataset") / "Coronahack-Chest-XRay-Dataset",
    fs::path("Coronahack-Chest-XRay-Dataset"),
    fs::path(),
};

std::string rowPath(const fs::path &csv, std::size_t line) {
    return csv.string() + ":" + std::to_string(line);
}

} // namespace

std::optional<std::string> mapCoronaHackLabel(const std::string &label,
                                              const std::string &label1,
                                              const std::string &label2,
                                              std::string &reason) {
    if (label == "Normal")
        return std::string(kNormal);
    // "Pnemonia" is the dataset's own spelling; accept the correct one too.
    if (label != "Pnemonia" && label != "Pneumonia") {
        reason = "unknown Label \"" + label + "\" (expected Normal or Pnemonia)";
        return std::nullopt;
    }
    if (label1 == "bacteria")
        return std::string(kBacteria);
    if (label1 == "Virus")
        return std::string(label2 == "COVID-19" ? kCovid19 : kVirus);
    reason = "Pnemonia with Label_1_Virus_category \"" + label1 +
             "\" and Label_2_Virus_category \"" + label2 +
             "\" fits none of NORMAL, BACTERIA, VIRUS, COVID19";
    return std::nullopt;
}

CoronaHackMetadata readCoronaHackMetadata(const fs::path &csv) {
    const std::vector<CsvRow> rows = readCsv(csv);
    if (rows.empty())
        throw DatasetFormatError(csv, "the file is empty (no header row)");

    const std::vector<std::string> &header = rows.front().fields;
    auto column = [&](const char *name) {
        const auto it = std::find(header.begin(), header.end(), name);
        if (it == header.end())
            throw DatasetFormatError(
                csv, "the header has no column \"" + std::string(name) + "\"", rows.front().line);
        return static_cast<std::size_t>(it - header.begin());
    };
    const std::size_t nameCol = column("X_ray_image_name");
    const std::size_t labelCol = column("Label");
    const std::size_t splitCol = column("Dataset_type");
    const std::size_t label1Col = column("Label_1_Virus_category");
    const std::size_t label2Col = column("Label_2_Virus_category");
    const std::size_t needed = std::max({nameCol, labelCol, splitCol, label1Col, label2Col}) + 1;

    CoronaHackMetadata metadata;
    std::map<std::pair<Split, std::string>, std::size_t> seen; // -> first line
    for (auto row = rows.begin() + 1; row != rows.end(); ++row) {
        const auto &f = row->fields;
        auto reject = [&](const std::string &reason) {
            RejectedRow rejected{row->line, nameCol < f.size() ? f[nameCol] : "", {}, reason};
            if (splitCol < f.size() && (f[splitCol] == "TRAIN" || f[splitCol] == "TEST"))
                rejected.split = f[splitCol] == "TRAIN" ? Split::Train : Split::Test;
            metadata.rejected.push_back(std::move(rejected));
        };
        if (f.size() < needed) {
            reject("the row has " + std::to_string(f.size()) + " fields; the header needs " +
                   std::to_string(needed));
            continue;
        }
        if (f[nameCol].empty()) {
            reject("X_ray_image_name is empty");
            continue;
        }
        std::optional<Split> split;
        if (f[splitCol] == "TRAIN")
            split = Split::Train;
        else if (f[splitCol] == "TEST")
            split = Split::Test;
        if (!split) {
            reject("unknown Dataset_type \"" + f[splitCol] + "\" (expected TRAIN or TEST)");
            continue;
        }
        std::string reason;
        const auto className = mapCoronaHackLabel(f[labelCol], f[label1Col], f[label2Col], reason);
        if (!className) {
            reject(reason);
            continue;
        }
        const auto [first, inserted] = seen.emplace(std::make_pair(*split, f[nameCol]), row->line);
        if (!inserted) {
            reject("\"" + f[nameCol] + "\" is listed again; first listed on line " +
                   std::to_string(first->second));
            continue;
        }
        metadata.entries.push_back({row->line, f[nameCol], *split, *className});
    }
    return metadata;
}

std::optional<fs::path> findCoronaHackCsv(const fs::path &path) {
    std::error_code error;
    if (fs::is_regular_file(path, error) && path.extension() == ".csv")
        return path;
    const fs::path candidate = path / kCoronaHackCsvName;
    if (fs::is_regular_file(candidate, error))
        return candidate;
    return std::nullopt;
}

DatasetIndex scanCoronaHack(const fs::path &csv) {
    const fs::path base = csv.parent_path();
    fs::path imageRoot;
    bool found = false;
    for (const fs::path &relative : kImageRoots) {
        std::error_code error;
        if (fs::is_directory(base / relative / "train", error) ||
            fs::is_directory(base / relative / "test", error)) {
            imageRoot = base / relative;
            found = true;
            break;
        }
    }
    if (!found)
        throw DatasetFormatError(csv,
                                 "no train/ or test/ image folder next to the CSV (looked in " +
                                     (base / kImageRoots[0]).string() + " and its parents)");

    CoronaHackMetadata metadata = readCoronaHackMetadata(csv);
    DatasetIndex index;
    index.root = base;
    index.layout = Layout::CoronaHack;
    index.classes = fourClassNames();
    for (const RejectedRow &row : metadata.rejected) {
        const std::string where =
            "line " + std::to_string(row.line) + " of " + csv.filename().string();
        if (!row.imageName.empty() && row.split)
            index.rejected.push_back(
                {imageRoot / splitName(*row.split) / row.imageName, where + ": " + row.reason});
        else
            index.rejected.push_back(
                {rowPath(csv, row.line),
                 row.reason +
                     (row.imageName.empty() ? "" : " (the row names \"" + row.imageName + "\")")});
    }
    for (const CoronaHackEntry &entry : metadata.entries) {
        const fs::path image = imageRoot / splitName(entry.split) / entry.imageName;
        std::error_code error;
        if (!fs::exists(image, error)) {
            index.rejected.push_back(
                {image,
                 "named on line " + std::to_string(entry.line) + " of the CSV but not found"});
            continue;
        }
        Sample sample;
        sample.path = image;
        sample.label = index.classIndex(entry.className);
        sample.split = entry.split;
        sample.patientId = patientIdFromFileName(entry.imageName);
        index.samples.push_back(std::move(sample));
    }
    return index;
}

} // namespace cxr
