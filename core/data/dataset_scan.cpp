// SPDX-License-Identifier: MIT
#include "data/dataset_scan.h"

#include <algorithm>

#include "data/coronahack_layout.h"
#include "data/folder_layouts.h"
#include "data/image_header.h"
#include "errors.h"
#include "parallel_for.h"

namespace cxr {
namespace fs = std::filesystem;
namespace {

// Reads every sample's header; failures move the sample to `rejected`.
void checkImages(DatasetIndex &index, const ScanOptions &options) {
    std::vector<std::string> problems(index.samples.size());
    parallelFor(
        index.samples.size(),
        options.threads,
        [&](std::size_t i) {
            try {
                const ImageHeader header = readImageHeader(index.samples[i].path);
                index.samples[i].width = header.width;
                index.samples[i].height = header.height;
            } catch (const ImageLoadError &e) {
                problems[i] = e.reason();
            }
        },
        options.progress,
        options.cancel);

    std::vector<Sample> kept;
    kept.reserve(index.samples.size());
    for (std::size_t i = 0; i < index.samples.size(); ++i) {
        if (problems[i].empty())
            kept.push_back(std::move(index.samples[i]));
        else
            index.rejected.push_back({index.samples[i].path, problems[i]});
    }
    index.samples = std::move(kept);
}

} // namespace

std::optional<Layout> detectLayout(const fs::path &path) {
    if (findCoronaHackCsv(path))
        return Layout::CoronaHack;
    std::error_code error;
    if (!fs::is_directory(path, error))
        return std::nullopt;
    if (findKermanyRoot(path))
        return Layout::Kermany;
    if (looksLikeClassFolders(path))
        return Layout::ClassFolders;
    return std::nullopt;
}

DatasetIndex scan(const fs::path &input, const ScanOptions &options) {
    std::error_code error;
    if (!fs::exists(input, error))
        throw DatasetFormatError(input, "no such file or folder");
    // Absolute paths: the index stays valid whatever the working directory
    // of whoever reads it later (a worker thread, a run directory).
    const fs::path path = fs::absolute(input, error).lexically_normal();
    const auto layout = options.layout ? options.layout : detectLayout(path);
    if (!layout)
        throw DatasetFormatError(
            path,
            "not a dataset: expected a CoronaHack metadata CSV (" +
                std::string(kCoronaHackCsvName) +
                "), a Kermany chest_xray folder, or class folders ({train,val,test}/<CLASS>/ or "
                "<CLASS>/) holding images");

    DatasetIndex index;
    switch (*layout) {
    case Layout::CoronaHack: {
        const auto csv = findCoronaHackCsv(path);
        if (!csv)
            throw DatasetFormatError(path, "no " + std::string(kCoronaHackCsvName) + " here");
        index = scanCoronaHack(*csv);
        break;
    }
    case Layout::Kermany:
        index = scanKermany(path);
        break;
    case Layout::ClassFolders:
        index = scanClassFolders(path);
        break;
    }
    if (options.checkImages)
        checkImages(index, options);
    return index;
}

} // namespace cxr
