// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

namespace cxr {

// The four classes of the paper's 4-class task, in its order.
constexpr const char *kNormal = "NORMAL";
constexpr const char *kBacteria = "BACTERIA";
constexpr const char *kVirus = "VIRUS";
constexpr const char *kCovid19 = "COVID19";

const std::vector<std::string> &fourClassNames();

// Orders class names for display and label indices: the four known classes
// first in the paper's order, then any others alphabetically. Duplicates
// are removed.
std::vector<std::string> orderClassNames(std::vector<std::string> names);

// Patient key guessed from a Kermany / CoronaHack style file name, or empty:
// "person1078_virus_1788.jpeg" -> "person1078"; "IM-0178-0001.jpeg" and
// "NORMAL2-IM-0178-0001.jpeg" -> "IM-0178" (one key for both, since the
// source does not say whether the numbering is shared). A prefix such as
// "kermany_" before the pattern is allowed.
std::string patientIdFromFileName(const std::string &fileName);

} // namespace cxr
