// SPDX-License-Identifier: MIT
#include "weights/weights_download.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <regex>

#include <curl/curl.h>
#include <unistd.h>

#include "errors.h"
#include "sha256.h"

namespace cxr {
namespace fs = std::filesystem;
namespace {

const std::array<KnownWeights, 3> kKnown = {{
    {"imagenet",
     "resnet50",
     "https://download.pytorch.org/models/resnet50-0676ba61.pth",
     "torchvision ResNet50 ImageNet-1k V1 (top-1 76.1%), as in the paper"},
    {"imagenet-v2",
     "resnet50",
     "https://download.pytorch.org/models/resnet50-11ad3fa6.pth",
     "torchvision ResNet50 ImageNet-1k V2 (top-1 80.9%)"},
    {"imagenet",
     "densenet121",
     "https://download.pytorch.org/models/densenet121-a639ec97.pth",
     "torchvision DenseNet121 ImageNet-1k (top-1 74.4%)"},
}};

struct Transfer {
    std::FILE *file = nullptr;
    Sha256 hash;
    const DownloadOptions *options = nullptr;
    bool cancelled = false;
    bool writeFailed = false;
};

std::size_t onData(char *data, std::size_t size, std::size_t count, void *user) {
    auto *t = static_cast<Transfer *>(user);
    const std::size_t n = size * count;
    if (std::fwrite(data, 1, n, t->file) != n) {
        t->writeFailed = true;
        return 0; // aborts the transfer
    }
    t->hash.add(data, n);
    return n;
}

int onProgress(void *user, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
    auto *t = static_cast<Transfer *>(user);
    if (t->options->cancel && t->options->cancel->cancelled()) {
        t->cancelled = true;
        return 1; // aborts the transfer
    }
    if (t->options->progress)
        t->options->progress(static_cast<std::size_t>(now), static_cast<std::size_t>(total));
    return 0;
}

std::string howToImportByHand(const std::string &url) {
    return "; to import it anyway, download " + url +
           " on a machine with internet access and run: cxr import-weights --from "
           "/path/to/" +
           fs::path(url).filename().string();
}

} // namespace

std::optional<KnownWeights> findKnownWeights(const std::string &name, const std::string &arch) {
    for (const KnownWeights &known : kKnown)
        if (name == known.name && arch == known.arch)
            return known;
    return std::nullopt;
}

std::string hashPrefixFromName(const std::string &fileName) {
    // torchvision's HASH_REGEX: the hex digits between the last '-' and '.'.
    static const std::regex kHash(R"(-([a-f0-9]{8,64})\.[A-Za-z.]+$)");
    std::smatch match;
    return std::regex_search(fileName, match, kHash) ? match[1].str() : std::string();
}

std::string sha256File(const fs::path &file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw Error("could not read \"" + file.string() + "\" to hash it");
    Sha256 hash;
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        hash.add(buffer.data(), static_cast<std::size_t>(in.gcount()));
    }
    return hash.hex();
}

fs::path defaultWeightsCache() {
    if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return fs::path(xdg) / "cxr-studio" / "weights";
    if (const char *home = std::getenv("HOME"); home && *home)
        return fs::path(home) / ".cache" / "cxr-studio" / "weights";
    return fs::temp_directory_path() / "cxr-studio" / "weights";
}

fs::path downloadWeights(const std::string &url, const DownloadOptions &options) {
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
        throw Error("cannot download \"" + url + "\": only http and https addresses are supported");
    const std::string name = fs::path(url.substr(0, url.find('?'))).filename().string();
    if (name.empty() || name == "." || name == "..")
        throw Error("cannot download \"" + url + "\": the address does not end in a file name");
    const std::string expected = hashPrefixFromName(name);

    std::error_code error;
    fs::create_directories(options.cacheDir, error);
    if (error)
        throw Error("cannot create the weights cache \"" + options.cacheDir.string() +
                    "\": " + error.message());
    const fs::path target = options.cacheDir / name;
    if (fs::exists(target, error) &&
        (expected.empty() || sha256File(target).compare(0, expected.size(), expected) == 0))
        return target;

    static std::once_flag curlInit;
    std::call_once(curlInit, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });

    const fs::path partial = target.string() + ".part-" + std::to_string(getpid());
    Transfer transfer;
    transfer.options = &options;
    transfer.file = std::fopen(partial.c_str(), "wb");
    if (!transfer.file)
        throw Error("cannot write into the weights cache \"" + options.cacheDir.string() + "\"");

    std::unique_ptr<CURL, void (*)(CURL *)> curl(curl_easy_init(), curl_easy_cleanup);
    char curlError[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl.get(), CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, options.connectTimeoutSeconds);
    // A stalled transfer (under 1 byte/s for 30 s) fails instead of hanging.
    curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_TIME, 30L);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, onData);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(curl.get(), CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(curl.get(), CURLOPT_XFERINFODATA, &transfer);
    curl_easy_setopt(curl.get(), CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, curlError);
    curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "cxr-studio");
    const CURLcode code = curl_easy_perform(curl.get());
    const bool closed = std::fclose(transfer.file) == 0;

    auto discard = [&partial] {
        std::error_code ignored;
        fs::remove(partial, ignored);
    };
    if (transfer.cancelled) {
        discard();
        throw Cancelled();
    }
    if (code != CURLE_OK || !closed || transfer.writeFailed) {
        discard();
        const std::string reason = transfer.writeFailed || !closed
                                       ? "writing to the cache failed (disk full?)"
                                       : (curlError[0] ? curlError : curl_easy_strerror(code));
        throw Error("download of " + url + " failed: " + reason + howToImportByHand(url));
    }
    const std::string actual = transfer.hash.hex();
    if (!expected.empty() && actual.compare(0, expected.size(), expected) != 0) {
        discard();
        throw Error("download of " + url + " is corrupt: its SHA-256 is " + actual +
                    " but the file name says it starts with " + expected + howToImportByHand(url));
    }
    fs::rename(partial, target, error);
    if (error) {
        discard();
        throw Error("could not move the download into \"" + target.string() +
                    "\": " + error.message());
    }
    return target;
}

} // namespace cxr
