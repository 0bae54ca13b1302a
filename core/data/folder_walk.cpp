// SPDX-License-Identifier: MIT
#include "data/folder_walk.h"

#include <algorithm>

#include "data/image_header.h"

namespace cxr {
namespace fs = std::filesystem;
namespace {

bool isIgnored(const fs::path &entry) {
    const std::string name = entry.filename().string();
    return name.empty() || name[0] == '.' || name == "__MACOSX";
}

} // namespace

std::vector<fs::path> listSubfolders(const fs::path &dir) {
    std::vector<fs::path> folders;
    std::error_code error;
    for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
        std::error_code typeError;
        if (!isIgnored(it->path()) && it->is_directory(typeError))
            folders.push_back(it->path());
    }
    std::sort(folders.begin(), folders.end());
    return folders;
}

std::vector<fs::path> listImages(const fs::path &dir, std::vector<Rejected> &rejected) {
    std::vector<fs::path> images;
    std::error_code error;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, error);
    if (error) {
        rejected.push_back({dir, "the folder cannot be read: " + error.message()});
        return images;
    }
    for (const fs::recursive_directory_iterator end; it != end;) {
        const fs::path path = it->path();
        std::error_code typeError;
        if (isIgnored(path)) {
            if (it->is_directory(typeError))
                it.disable_recursion_pending();
        } else if (it->is_directory(typeError)) {
            if (it->is_symlink(typeError))
                rejected.push_back({path,
                                    "a link to a folder; links are not followed inside "
                                    "datasets (they can form loops)"});
        } else if (hasImageExtension(path)) {
            images.push_back(path);
        } else {
            rejected.push_back(
                {path, "not an image file (extension \"" + path.extension().string() + "\")"});
        }
        it.increment(error);
        if (error) {
            rejected.push_back({path, "the folder walk stopped here: " + error.message()});
            break;
        }
    }
    std::sort(images.begin(), images.end());
    return images;
}

bool containsImages(const fs::path &dir) {
    std::error_code error;
    for (fs::recursive_directory_iterator
             it(dir, fs::directory_options::skip_permission_denied, error),
         end;
         !error && it != end;
         it.increment(error)) {
        std::error_code typeError;
        if (!isIgnored(it->path()) && !it->is_directory(typeError) && hasImageExtension(it->path()))
            return true;
    }
    return false;
}

} // namespace cxr
