// SPDX-License-Identifier: MIT
#include "report/audit_report.h"

#include <algorithm>
#include <functional>
#include <sstream>

#include <opencv2/imgproc.hpp>

#include "atomic_file.h"
#include "audit/text_marks.h"
#include "data/image_decode.h"
#include "report/html_page.h"

namespace cxr {
namespace {

std::string fixed(double value, int digits = 2) {
    std::ostringstream out;
    out.precision(digits);
    out << std::fixed << value;
    return out.str();
}

std::string relative(const DatasetIndex &index, std::size_t sample) {
    return index.relativePath(sample);
}

std::string labelOf(const DatasetIndex &index, std::size_t sample) {
    const int label = index.samples[sample].label;
    return label >= 0 && static_cast<std::size_t>(label) < index.classes.size()
               ? index.classes[static_cast<std::size_t>(label)]
               : "?";
}

// A thumbnail of the sample under `caption`, drawn by `draw` from the
// decoded image (CV_32FC1 in [0, 1]); or the caption with the reason it
// could not be drawn.
HtmlPage::Figure picture(const DatasetIndex &index,
                         std::size_t sample,
                         const std::string &caption,
                         const std::function<cv::Mat(const cv::Mat &)> &draw) {
    try {
        return {imageTag(draw(decodeImage(index.samples[sample].path).pixels),
                         relative(index, sample),
                         180),
                caption};
    } catch (const std::exception &e) {
        return {"", caption + " (" + e.what() + ")"};
    }
}

cv::Mat eightBit(const cv::Mat &gray) {
    cv::Mat bytes;
    gray.convertTo(bytes, CV_8U, 255.0);
    return bytes;
}

// A thumbnail of the sample with its split, class and file.
HtmlPage::Figure thumbnail(const DatasetIndex &index, std::size_t sample, const std::string &note) {
    return picture(index,
                   sample,
                   std::string(splitName(index.samples[sample].split)) + ", " +
                       labelOf(index, sample) + note + ": " + relative(index, sample),
                   eightBit);
}

void summary(HtmlPage &page, const DatasetIndex &index, const DatasetAudit &audit) {
    const DatasetAudit::CopyCounts copies = audit.copyCounts();
    page.heading("What was checked and what was found", "summary");
    page.paragraph(std::to_string(audit.images) + " images of " + index.root.string() +
                   " were checked in " + fixed(audit.seconds, 1) + " s.");
    page.bullets(
        {"The same film more than once: " + std::to_string(copies.groups) + " groups (" +
             std::to_string(copies.extraCopies) + " extra copies), " +
             std::to_string(copies.acrossSplits) +
             " of them across splits (a test image the network also trained on), " +
             std::to_string(copies.conflictingLabels) + " with conflicting labels.",
         "Patients in more than one split: " + std::to_string(audit.patients.size()) + ".",
         audit.shortcut.groups.empty()
             ? std::string("Shortcuts: not measured (two classes with 10 images each are needed).")
             : "Shortcuts: properties alone tell the class with balanced accuracy " +
                   fixed(audit.shortcut.all().balancedAccuracy) + " (chance " +
                   fixed(audit.shortcut.chance) + ").",
         "Images unlike the rest: " + std::to_string(audit.outliers.size()) + ".",
         "Images that could not be read: " + std::to_string(audit.unreadable.size()) + "."});
    if (!audit.shortcut.warning.empty())
        page.warning("Warning: " + audit.shortcut.warning + ".");
    if (copies.acrossSplits > 0 || !audit.patients.empty())
        page.warning("Test results on this dataset as it is are optimistic: some test films or "
                     "patients are also in training. cxr audit --write-exclusions writes the "
                     "list to leave out; cxr train --exclude uses it.");
}

void duplicatesSection(HtmlPage &page,
                       const DatasetIndex &index,
                       const DatasetAudit &audit,
                       std::size_t maxGroups) {
    page.heading("The same film more than once", "duplicates", false);
    page.paragraph("Exact: the same decoded pixels. Near: the same film resized, re-encoded, "
                   "brightened, cropped by a few percent or marked (score: the match of their "
                   "fine structure, 0.90 and above). Groups across splits come first.");
    std::vector<const AuditDuplicate *> order;
    for (const AuditDuplicate &d : audit.duplicates)
        order.push_back(&d);
    std::stable_sort(order.begin(), order.end(), [](const auto *a, const auto *b) {
        return a->acrossSplits + a->conflictingLabels > b->acrossSplits + b->conflictingLabels;
    });
    for (std::size_t g = 0; g < order.size() && g < maxGroups; ++g) {
        const AuditDuplicate &d = *order[g];
        std::vector<HtmlPage::Figure> figures;
        for (std::size_t m : d.samples)
            figures.push_back(thumbnail(index, m, ""));
        page.figureGroup("Group " + std::to_string(g + 1) + ": " + (d.exact ? "exact" : "near") +
                             (d.exact ? "" : " (score " + fixed(d.score) + ")") +
                             (d.acrossSplits ? ", across splits" : ", within one split") +
                             (d.conflictingLabels ? ", conflicting labels" : ", same label"),
                         figures,
                         true);
    }
    if (order.size() > maxGroups)
        page.paragraph(std::to_string(order.size() - maxGroups) +
                       " more groups are in cxr audit --json.");
}

void patientsSection(HtmlPage &page, const DatasetIndex &index, const DatasetAudit &audit) {
    page.heading("Patients in more than one split", "patients");
    page.paragraph("Patient ids come from the layout (Kermany's personN, CoronaHack's file "
                   "names, a patient column); images without one are not counted.");
    std::vector<std::vector<std::string>> rows;
    for (std::size_t p = 0; p < audit.patients.size() && p < 200; ++p) {
        const PatientOverlap &o = audit.patients[p];
        std::string splits, files;
        for (Split s : o.splits)
            splits += std::string(splits.empty() ? "" : ", ") + splitName(s);
        for (std::size_t m : o.samples)
            files += (files.empty() ? "" : ", ") + relative(index, m);
        rows.push_back({o.patient, splits, files});
    }
    if (rows.empty())
        page.paragraph("None.");
    else
        page.table({"patient", "splits", "files"}, rows, false);
}

// A thumbnail of a film with the text-like marks the audit counted boxed
// in red, so that a reader sees what was counted.
HtmlPage::Figure markedThumbnail(const DatasetIndex &index, std::size_t sample) {
    return picture(index,
                   sample,
                   labelOf(index, sample) + ": " + relative(index, sample),
                   [](const cv::Mat &gray) {
                       cv::Mat colour;
                       cv::cvtColor(eightBit(gray), colour, cv::COLOR_GRAY2BGR);
                       const int line = std::max(2, std::max(gray.cols, gray.rows) / 200);
                       for (const cv::Rect &mark : findTextMarks(gray))
                           cv::rectangle(colour,
                                         mark + cv::Size(2 * line, 2 * line) -
                                             cv::Point(line, line),
                                         cv::Scalar(0, 0, 255),
                                         line);
                       return colour;
                   });
}

void textMarkExamples(HtmlPage &page, const DatasetIndex &index, const DatasetAudit &audit) {
    std::vector<HtmlPage::Figure> figures;
    for (const ClassProperties &c : audit.classes)
        for (std::size_t sample : c.markedExamples)
            figures.push_back(markedThumbnail(index, sample));
    if (figures.empty())
        return;
    page.paragraph("Text marks: near-white letters and words burned into the film "
                   "(laterality markers, \"PORTABLE\", dates), which differ between "
                   "hospitals. Grey or dark print is not counted.");
    page.figureGroup(
        "Text-like marks counted (in red), up to two films of each class", figures, true);
}

void shortcutsSection(HtmlPage &page, const DatasetIndex &index, const DatasetAudit &audit) {
    page.heading("Shortcuts: the class from image properties alone", "shortcuts");
    page.paragraph("A shallow decision tree (depth 3, classes weighted equally) predicts the "
                   "class from one group of properties at a time, cross-validated over 5 "
                   "folds. Near chance is good; far above it, a network can tell the class "
                   "by how the image was made rather than by the disease.");
    std::vector<std::vector<std::string>> rows;
    for (const ShortcutGroup &g : audit.shortcut.groups) {
        std::string features;
        for (const std::string &f : g.features)
            features += (features.empty() ? "" : ", ") + f;
        rows.push_back({g.name, features, fixed(g.balancedAccuracy), fixed(audit.shortcut.chance)});
    }
    if (!rows.empty())
        page.table({"properties", "which", "balanced accuracy", "chance"}, rows);
    std::vector<std::vector<std::string>> classes;
    for (const ClassProperties &c : audit.classes) {
        std::string formats, depths;
        for (const auto &[name, share] : c.formats)
            formats += (formats.empty() ? "" : ", ") + name + " " + fixed(100 * share, 0) + "%";
        for (const auto &[bits, share] : c.bitDepths)
            depths += (depths.empty() ? "" : ", ") + std::to_string(bits) + " bit " +
                      fixed(100 * share, 0) + "%";
        classes.push_back({c.className,
                           std::to_string(c.images),
                           fixed(c.medianWidth, 0),
                           fixed(c.medianHeight, 0),
                           fixed(c.medianAspect),
                           formats,
                           depths,
                           fixed(c.medianIntensity),
                           fixed(c.medianBorder),
                           fixed(100 * c.textMarkShare, 0) + "%"});
    }
    page.subheading("Each class's images (medians)");
    page.table({"class",
                "images",
                "width",
                "height",
                "aspect",
                "formats",
                "bit depth",
                "mean intensity",
                "border",
                "text marks"},
               classes);
    textMarkExamples(page, index, audit);
}

void outliersSection(HtmlPage &page,
                     const DatasetIndex &index,
                     const DatasetAudit &audit,
                     std::size_t maxGroups) {
    page.heading("Images unlike the rest", "outliers", false);
    page.paragraph("Far from their nearest neighbours in coarse appearance and grey levels "
                   "(score: robust standard deviations above the dataset's median, 4 and "
                   "above). Often a lateral view, a scan of a printout, an image that is not "
                   "a chest film; sometimes a real but unusual film. They are listed, not "
                   "excluded.");
    std::vector<HtmlPage::Figure> figures;
    for (std::size_t i = 0; i < audit.outliers.size() && i < maxGroups; ++i)
        figures.push_back(thumbnail(
            index, audit.outliers[i].sample, " (score " + fixed(audit.outliers[i].score, 1) + ")"));
    if (figures.empty())
        page.paragraph("None.");
    else
        page.figures(figures, true);
    if (!audit.unreadable.empty()) {
        page.subheading("Images that could not be read");
        std::vector<std::string> items;
        for (const Rejected &r : audit.unreadable)
            items.push_back(r.path.string() + ": " + r.reason);
        page.bullets(items);
    }
}

} // namespace

std::string
auditReportHtml(const DatasetIndex &index, const DatasetAudit &audit, std::size_t maxGroups) {
    HtmlPage page("CXR Studio dataset audit: " + index.root.filename().string(),
                  "Research and teaching software, not for clinical use. An audit finds "
                  "likely faults in a dataset; it does not prove their absence.");
    summary(page, index, audit);
    duplicatesSection(page, index, audit, maxGroups);
    patientsSection(page, index, audit);
    shortcutsSection(page, index, audit);
    outliersSection(page, index, audit, maxGroups);
    return page.str();
}

void writeAuditReport(const DatasetIndex &index,
                      const DatasetAudit &audit,
                      const std::filesystem::path &out) {
    writeFileAtomically(out, auditReportHtml(index, audit));
}

} // namespace cxr
