// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "progress.h"

namespace cxr {

// Published weights CXR Studio knows by name. ImageNet files come from
// download.pytorch.org; the first 8 hex digits of each file's SHA-256 are
// part of its name, as torchvision checks them.
struct KnownWeights {
    const char *name; // "imagenet", "imagenet-v2"
    const char *arch; // "resnet50", "densenet121"
    const char *url;
    const char *description;
};

// The known weights of `name` for `arch`, if any.
std::optional<KnownWeights> findKnownWeights(const std::string &name, const std::string &arch);

// The hash prefix a torchvision-style file name carries ("resnet50-0676ba61.pth"
// -> "0676ba61"), or empty.
std::string hashPrefixFromName(const std::string &fileName);

// SHA-256 of a file, lower-case hex. Throws Error naming the file.
std::string sha256File(const std::filesystem::path &file);

// ~/.cache/cxr-studio/weights (XDG_CACHE_HOME honoured).
std::filesystem::path defaultWeightsCache();

struct DownloadOptions {
    std::filesystem::path cacheDir = defaultWeightsCache();
    ProgressFn progress; // bytes received / total (0 when the server does not say)
    const CancelToken *cancel = nullptr;
    long connectTimeoutSeconds = 15;
};

// Downloads `url` (http or https only) into the cache and returns the
// cached file. A file already in the cache whose hash matches is reused.
// The download goes to a temporary file that is hashed as it arrives and
// renamed into place only when complete and, when the name carries a hash
// prefix, matching it; otherwise it is deleted, so no partial or corrupt
// file is ever left behind. Throws Error naming the URL and saying how to
// import a file downloaded elsewhere; Cancelled when cancelled.
std::filesystem::path downloadWeights(const std::string &url, const DownloadOptions &options = {});

} // namespace cxr
