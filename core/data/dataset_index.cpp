// SPDX-License-Identifier: MIT
#include "data/dataset_index.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace cxr {
namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return text;
}

constexpr std::array<Split, 4> kSplits = {Split::Train, Split::Val, Split::Test, Split::Unsplit};
constexpr std::array<Layout, 3> kLayouts = {
    Layout::CoronaHack, Layout::Kermany, Layout::ClassFolders};

} // namespace

const char *splitName(Split split) {
    switch (split) {
    case Split::Train:
        return "train";
    case Split::Val:
        return "val";
    case Split::Test:
        return "test";
    case Split::Unsplit:
        break;
    }
    return "unsplit";
}

std::optional<Split> parseSplit(const std::string &name) {
    const std::string key = lower(name);
    if (key == "validation")
        return Split::Val;
    for (Split split : kSplits)
        if (key == splitName(split))
            return split;
    return std::nullopt;
}

const char *layoutName(Layout layout) {
    switch (layout) {
    case Layout::CoronaHack:
        return "coronahack";
    case Layout::Kermany:
        return "kermany";
    case Layout::ClassFolders:
        break;
    }
    return "class-folders";
}

std::optional<Layout> parseLayout(const std::string &name) {
    const std::string key = lower(name);
    for (Layout layout : kLayouts)
        if (key == layoutName(layout))
            return layout;
    return std::nullopt;
}

std::vector<std::vector<std::size_t>> DatasetIndex::counts() const {
    std::vector<std::vector<std::size_t>> table(kSplits.size(),
                                                std::vector<std::size_t>(classes.size(), 0));
    for (const Sample &sample : samples)
        if (sample.label >= 0 && static_cast<std::size_t>(sample.label) < classes.size())
            ++table[static_cast<std::size_t>(sample.split)][static_cast<std::size_t>(sample.label)];
    return table;
}

bool DatasetIndex::hasSplit(Split split) const {
    return std::any_of(samples.begin(), samples.end(), [split](const Sample &sample) {
        return sample.split == split;
    });
}

std::string DatasetIndex::relativePath(std::size_t sample) const {
    return samples.at(sample).path.lexically_relative(root).generic_string();
}

int DatasetIndex::classIndex(const std::string &name) const {
    const auto it = std::find(classes.begin(), classes.end(), name);
    return it == classes.end() ? -1 : static_cast<int>(it - classes.begin());
}

} // namespace cxr
