// SPDX-License-Identifier: MIT
#include "audit/audit_json.h"

#include <nlohmann/json.hpp>

namespace cxr {
namespace {

std::string pathOf(const DatasetIndex &index, std::size_t sample) {
    return index.samples[sample].path.string();
}

std::string labelOf(const DatasetIndex &index, std::size_t sample) {
    const int label = index.samples[sample].label;
    return label >= 0 && static_cast<std::size_t>(label) < index.classes.size()
               ? index.classes[static_cast<std::size_t>(label)]
               : std::string();
}

} // namespace

nlohmann::json auditJson(const DatasetIndex &index, const DatasetAudit &audit) {
    nlohmann::json unreadable = nlohmann::json::array();
    for (const Rejected &r : audit.unreadable)
        unreadable.push_back({{"path", r.path.string()}, {"reason", r.reason}});
    nlohmann::json duplicates = nlohmann::json::array();
    for (const AuditDuplicate &d : audit.duplicates) {
        nlohmann::json files = nlohmann::json::array(), splits = nlohmann::json::array(),
                       labels = nlohmann::json::array();
        for (std::size_t m : d.samples) {
            files.push_back(pathOf(index, m));
            splits.push_back(splitName(index.samples[m].split));
            labels.push_back(labelOf(index, m));
        }
        duplicates.push_back({{"files", files},
                              {"kind", d.exact ? "exact" : "near"},
                              {"across_splits", d.acrossSplits},
                              {"conflicting_labels", d.conflictingLabels},
                              {"splits", splits},
                              {"labels", labels},
                              {"score", d.score}});
    }
    nlohmann::json patients = nlohmann::json::array();
    for (const PatientOverlap &p : audit.patients) {
        nlohmann::json splits = nlohmann::json::array(), files = nlohmann::json::array();
        for (Split s : p.splits)
            splits.push_back(splitName(s));
        for (std::size_t m : p.samples)
            files.push_back(pathOf(index, m));
        patients.push_back({{"patient", p.patient}, {"splits", splits}, {"files", files}});
    }
    nlohmann::json shortcut = {{"chance", audit.shortcut.chance},
                               {"balanced_accuracy", nullptr},
                               {"features", nlohmann::json::array()},
                               {"groups", nlohmann::json::array()},
                               {"warning", audit.shortcut.warning}};
    if (!audit.shortcut.groups.empty()) {
        shortcut["balanced_accuracy"] = audit.shortcut.all().balancedAccuracy;
        shortcut["features"] = audit.shortcut.all().features;
        for (const ShortcutGroup &g : audit.shortcut.groups)
            shortcut["groups"].push_back({{"name", g.name},
                                          {"features", g.features},
                                          {"balanced_accuracy", g.balancedAccuracy}});
    }
    nlohmann::json classes = nlohmann::json::array();
    for (const ClassProperties &c : audit.classes) {
        nlohmann::json formats = nlohmann::json::object(), depths = nlohmann::json::object();
        for (const auto &[format, share] : c.formats)
            formats[format] = share;
        for (const auto &[bits, share] : c.bitDepths)
            depths[std::to_string(bits)] = share;
        classes.push_back({{"class", c.className},
                           {"images", c.images},
                           {"median_width", c.medianWidth},
                           {"median_height", c.medianHeight},
                           {"median_aspect", c.medianAspect},
                           {"median_intensity", c.medianIntensity},
                           {"median_border", c.medianBorder},
                           {"text_mark_share", c.textMarkShare},
                           {"formats", formats},
                           {"bit_depths", depths}});
    }
    nlohmann::json outliers = nlohmann::json::array();
    for (const AuditOutlier &o : audit.outliers)
        outliers.push_back({{"path", pathOf(index, o.sample)}, {"score", o.score}});
    return {{"dataset", index.root.string()},
            {"images", audit.images},
            {"seconds", audit.seconds},
            {"from_cache", audit.fromCache},
            {"unreadable", unreadable},
            {"duplicates", duplicates},
            {"patients_in_several_splits", patients},
            {"shortcut", shortcut},
            {"classes", classes},
            {"outliers", outliers}};
}

} // namespace cxr
