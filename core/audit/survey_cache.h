// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "audit/image_survey.h"
#include "data/dataset_index.h"

namespace cxr {

// The audit's image surveys kept on disk, one file per dataset folder, so a
// second audit of a dataset decodes only the images that changed. An entry
// is used only while the file's size and modification time are the same.
// The fine-structure descriptor is stored as 8-bit values scaled to its
// largest magnitude (scores move by less than 0.005). A file that cannot
// be read, is truncated or is of another version is ignored: the audit
// then decodes everything and writes a new one.
class SurveyCache {
  public:
    // $XDG_CACHE_HOME/cxr-studio/audit (or ~/.cache/...).
    static std::filesystem::path defaultFolder();

    // Loads the cache of `datasetRoot` from `folder`, if there is one.
    SurveyCache(std::filesystem::path folder, const std::filesystem::path &datasetRoot);

    std::optional<ImageSurvey> find(const std::filesystem::path &image) const;
    void put(const std::filesystem::path &image, const ImageSurvey &survey);
    // Writes the entries of the images in `index` (those of files no longer
    // in the dataset are dropped), atomically. Throws Error when it cannot.
    void save(const DatasetIndex &index) const;
    std::size_t size() const { return m_entries.size(); }

  private:
    struct Entry {
        std::uintmax_t bytes = 0;
        std::int64_t modified = 0;
        ImageSurvey survey;
    };
    static std::optional<std::pair<std::uintmax_t, std::int64_t>>
    stamp(const std::filesystem::path &image);
    std::filesystem::path m_file;
    std::map<std::string, Entry> m_entries; // by path as scanned
};

} // namespace cxr
