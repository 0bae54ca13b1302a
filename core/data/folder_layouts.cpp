// SPDX-License-Identifier: MIT
#include "data/folder_layouts.h"

#include <algorithm>
#include <cctype>

#include "data/class_names.h"
#include "data/folder_walk.h"
#include "errors.h"

namespace cxr {
namespace fs = std::filesystem;
namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return text;
}

struct SplitFolder {
    Split split;
    fs::path path;
};

// The train/val/test folders directly under root ("validation" counts as val).
std::vector<SplitFolder> splitFolders(const fs::path &root) {
    std::vector<SplitFolder> found;
    for (const fs::path &folder : listSubfolders(root))
        if (const auto split = parseSplit(folder.filename().string());
            split && *split != Split::Unsplit)
            found.push_back({*split, folder});
    return found;
}

bool hasPneumoniaFolder(const fs::path &root) {
    const auto splits = splitFolders(root);
    return std::any_of(splits.begin(), splits.end(), [](const SplitFolder &s) {
        std::error_code error;
        return fs::is_directory(s.path / "PNEUMONIA", error);
    });
}

// BACTERIA / VIRUS from a Kermany pneumonia file name, or empty.
std::string pneumoniaKind(const std::string &fileName) {
    const std::string name = lower(fileName);
    const bool bacteria = name.find("_bacteria") != std::string::npos;
    const bool virus = name.find("_virus") != std::string::npos;
    if (bacteria == virus)
        return {};
    return bacteria ? kBacteria : kVirus;
}

// Adds every image below classDir as `className` in `split`.
void addClassFolder(DatasetIndex &index,
                    const fs::path &classDir,
                    const std::string &className,
                    Split split) {
    for (const fs::path &image : listImages(classDir, index.rejected)) {
        Sample sample;
        sample.path = image;
        sample.label = index.classIndex(className);
        sample.split = split;
        sample.patientId = patientIdFromFileName(image.filename().string());
        index.samples.push_back(std::move(sample));
    }
}

} // namespace

std::optional<fs::path> findKermanyRoot(const fs::path &root) {
    for (const fs::path &candidate : {root, root / "chest_xray"})
        if (hasPneumoniaFolder(candidate))
            return candidate;
    return std::nullopt;
}

bool looksLikeClassFolders(const fs::path &root) {
    const auto splits = splitFolders(root);
    if (!splits.empty())
        return std::any_of(splits.begin(), splits.end(), [](const SplitFolder &s) {
            return !listSubfolders(s.path).empty();
        });
    const auto folders = listSubfolders(root);
    return std::any_of(folders.begin(), folders.end(), [](const fs::path &folder) {
        return containsImages(folder);
    });
}

DatasetIndex scanKermany(const fs::path &root) {
    const auto base = findKermanyRoot(root);
    if (!base)
        throw DatasetFormatError(root,
                                 "not a Kermany chest_xray folder (expected "
                                 "{train,val,test}/{NORMAL,PNEUMONIA}/)");
    DatasetIndex index;
    index.root = *base;
    index.layout = Layout::Kermany;
    index.classes = {kNormal, kBacteria, kVirus};
    for (const SplitFolder &split : splitFolders(*base)) {
        for (const fs::path &classDir : listSubfolders(split.path)) {
            const std::string folder = classDir.filename().string();
            if (folder == kNormal) {
                addClassFolder(index, classDir, kNormal, split.split);
                continue;
            }
            if (folder != "PNEUMONIA") {
                index.rejected.push_back({classDir,
                                          "unexpected folder in a Kermany split "
                                          "(expected NORMAL or PNEUMONIA)"});
                continue;
            }
            for (const fs::path &image : listImages(classDir, index.rejected)) {
                const std::string name = image.filename().string();
                const std::string kind = pneumoniaKind(name);
                if (kind.empty()) {
                    index.rejected.push_back(
                        {image, "the file name does not say bacteria or virus"});
                    continue;
                }
                Sample sample;
                sample.path = image;
                sample.label = index.classIndex(kind);
                sample.split = split.split;
                sample.patientId = patientIdFromFileName(name);
                index.samples.push_back(std::move(sample));
            }
        }
    }
    return index;
}

DatasetIndex scanClassFolders(const fs::path &root) {
    if (!looksLikeClassFolders(root))
        throw DatasetFormatError(root,
                                 "not a class-folder dataset (expected "
                                 "{train,val,test}/<CLASS>/images or <CLASS>/images)");
    DatasetIndex index;
    index.root = root;
    index.layout = Layout::ClassFolders;

    const auto splits = splitFolders(root);
    std::vector<std::pair<Split, fs::path>> classDirs; // (split, class folder)
    if (splits.empty()) {
        // Without split folders only folders that hold images are classes,
        // so stray empty or unrelated folders do not become empty classes.
        for (const fs::path &folder : listSubfolders(root))
            if (containsImages(folder))
                classDirs.emplace_back(Split::Unsplit, folder);
    } else {
        for (const SplitFolder &split : splits) {
            for (const fs::path &folder : listSubfolders(split.path))
                classDirs.emplace_back(split.split, folder);
            // Images lying loose in a split folder have no class.
            std::error_code error;
            for (fs::directory_iterator it(split.path, error), end; !error && it != end;
                 it.increment(error))
                if (std::error_code typeError;
                    !it->is_directory(typeError) && it->path().filename().string()[0] != '.')
                    index.rejected.push_back(
                        {it->path(), "lies directly in a split folder, not in a class folder"});
        }
    }
    std::vector<std::string> names;
    for (const auto &[split, folder] : classDirs)
        names.push_back(folder.filename().string());
    index.classes = orderClassNames(names);
    for (const auto &[split, folder] : classDirs)
        addClassFolder(index, folder, folder.filename().string(), split);
    return index;
}

} // namespace cxr
