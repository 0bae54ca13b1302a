// SPDX-License-Identifier: MIT
#include "weights/weight_import.h"

#include "errors.h"

namespace cxr {
namespace fs = std::filesystem;

ImportedWeights importWeights(Architecture arch, int numClasses, const fs::path &file) {
    const TorchFile torchFile = readTorchFile(file);
    ImportedWeights imported;
    imported.file = file;
    imported.format = torchFile.format;
    imported.network = makeNetwork(arch, numClasses);
    imported.report = loadStateDict(*imported.network,
                                    normaliseKeys(findStateDict(torchFile.root, file.string())),
                                    file.string());
    imported.sha256 = sha256File(file);
    return imported;
}

fs::path
resolveWeightsSource(const std::string &from, Architecture arch, const DownloadOptions &options) {
    if (from.rfind("http://", 0) == 0 || from.rfind("https://", 0) == 0)
        return downloadWeights(from, options);
    if (const auto known = findKnownWeights(from, architectureName(arch)))
        return downloadWeights(known->url, options);
    std::error_code error;
    if (fs::exists(from, error))
        return from;
    if (from == "chexnet")
        throw Error(
            "CheXNet weights have no official download. Get model.pth.tar from the "
            "arnoweng/CheXNet reproduction and pass its path: --from /path/to/model.pth.tar");
    if (from == "imagenet" || from == "imagenet-v2")
        throw Error("there are no \"" + from + "\" weights for " + architectureName(arch));
    throw Error("\"" + from +
                "\" is neither a file, an http(s) address, nor a known name "
                "(imagenet, imagenet-v2)");
}

} // namespace cxr
