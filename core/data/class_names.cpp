// SPDX-License-Identifier: MIT
#include "data/class_names.h"

#include <algorithm>
#include <regex>

namespace cxr {

const std::vector<std::string> &fourClassNames() {
    static const std::vector<std::string> kNames = {kNormal, kBacteria, kVirus, kCovid19};
    return kNames;
}

std::vector<std::string> orderClassNames(std::vector<std::string> names) {
    const auto &known = fourClassNames();
    auto rank = [&known](const std::string &name) {
        return static_cast<std::size_t>(std::find(known.begin(), known.end(), name) -
                                        known.begin());
    };
    std::sort(names.begin(), names.end(), [&rank](const std::string &a, const std::string &b) {
        const auto ra = rank(a), rb = rank(b);
        return ra != rb ? ra < rb : a < b;
    });
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

std::string patientIdFromFileName(const std::string &fileName) {
    static const std::regex kPerson(R"((?:^|[_-])(person\d+)_)", std::regex::icase);
    static const std::regex kNormalStudy(R"((?:^|[_-])(?:NORMAL2-)?(IM-\d+)-)", std::regex::icase);
    std::smatch match;
    if (std::regex_search(fileName, match, kPerson) ||
        std::regex_search(fileName, match, kNormalStudy))
        return match[1].str();
    return {};
}

} // namespace cxr
