// SPDX-License-Identifier: MIT
#include "train/initial_weights.h"

#include "errors.h"
#include "weights/weight_import.h"

namespace cxr {

Network initialNetwork(const TrainConfig &config,
                       int classes,
                       const std::function<void(const std::string &)> &log) {
    if (config.init == "scratch") {
        log("initial weights: random (training from scratch)");
        return makeNetwork(config.arch, classes);
    }
    std::filesystem::path file;
    if (config.init == "chexnet") {
        if (config.chexnetWeights.empty())
            throw Error("this configuration starts from the CheXNet weights, which cannot be "
                        "downloaded: get model.pth.tar (arnoweng/CheXNet) and pass it with "
                        "--init /path/to/model.pth.tar (see docs/weights.md)");
        file = config.chexnetWeights;
    } else {
        DownloadOptions download;
        if (!config.weightsCache.empty())
            download.cacheDir = config.weightsCache;
        file = resolveWeightsSource(config.init, config.arch, download);
    }
    ImportedWeights imported = importWeights(config.arch, classes, file);
    log("initial weights: " + file.string() + " — " + imported.report.summary());
    return imported.network;
}

} // namespace cxr
