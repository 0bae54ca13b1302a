// SPDX-License-Identifier: MIT
#include "audit/shortcuts.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>

#include <opencv2/ml.hpp>

namespace cxr {
namespace {

constexpr int kFolds = 5;

struct Property {
    const char *name;
    const char *group;
    double (*value)(const ImageSurvey &);
};

// The properties, grouped as the warning names them. Categorical ones (the
// format) are coded as small numbers; a tree only asks "below or above".
const std::vector<Property> &properties() {
    static const std::vector<Property> table = {
        {"width", "image size", [](const ImageSurvey &s) { return double(s.width); }},
        {"height", "image size", [](const ImageSurvey &s) { return double(s.height); }},
        {"aspect ratio",
         "image size",
         [](const ImageSurvey &s) { return s.height > 0 ? double(s.width) / s.height : 0.0; }},
        {"format",
         "file type",
         [](const ImageSurvey &s) {
             static const char *names[] = {"png", "jpeg", "bmp", "tiff", "dicom"};
             for (int i = 0; i < 5; ++i)
                 if (s.format == names[i])
                     return double(i);
             return 5.0;
         }},
        {"bit depth", "file type", [](const ImageSurvey &s) { return double(s.bitDepth); }},
        {"channels", "file type", [](const ImageSurvey &s) { return double(s.channels); }},
        {"mean intensity", "intensity", [](const ImageSurvey &s) { return s.meanIntensity; }},
        {"intensity spread", "intensity", [](const ImageSurvey &s) { return s.intensitySpread; }},
        {"border fraction", "border", [](const ImageSurvey &s) { return s.borderFraction; }},
        {"text-like marks", "text marks", [](const ImageSurvey &s) { return double(s.textMarks); }},
    };
    return table;
}

// Stratified fold of each row: each class's rows dealt round-robin after a
// seeded shuffle.
std::vector<int> folds(const std::vector<int> &labels, int classes) {
    std::vector<int> fold(labels.size(), 0);
    std::mt19937 random(12345);
    for (int c = 0; c < classes; ++c) {
        std::vector<std::size_t> rows;
        for (std::size_t i = 0; i < labels.size(); ++i)
            if (labels[i] == c)
                rows.push_back(i);
        std::shuffle(rows.begin(), rows.end(), random);
        for (std::size_t r = 0; r < rows.size(); ++r)
            fold[rows[r]] = static_cast<int>(r % kFolds);
    }
    return fold;
}

double crossValidated(const cv::Mat &x,
                      const std::vector<int> &labels,
                      const std::vector<int> &fold,
                      int classes) {
    std::vector<std::vector<int>> confusion(static_cast<std::size_t>(classes),
                                            std::vector<int>(static_cast<std::size_t>(classes), 0));
    for (int f = 0; f < kFolds; ++f) {
        cv::Mat trainX, trainY;
        std::vector<int> counts(static_cast<std::size_t>(classes), 0);
        for (std::size_t i = 0; i < labels.size(); ++i)
            if (fold[i] != f) {
                trainX.push_back(x.row(static_cast<int>(i)));
                trainY.push_back(labels[i]);
                ++counts[static_cast<std::size_t>(labels[i])];
            }
        // Equal weight per class: a tree that learns "always the majority"
        // gains nothing in balanced accuracy.
        cv::Mat priors(1, classes, CV_32F);
        for (int c = 0; c < classes; ++c)
            priors.at<float>(c) =
                counts[static_cast<std::size_t>(c)]
                    ? 1.0f / static_cast<float>(counts[static_cast<std::size_t>(c)])
                    : 0.0f;
        cv::Ptr<cv::ml::DTrees> tree = cv::ml::DTrees::create();
        tree->setMaxDepth(3);
        tree->setMinSampleCount(5);
        tree->setCVFolds(0);
        tree->setUseSurrogates(false);
        tree->setPriors(priors);
        tree->setMaxCategories(classes);
        tree->train(cv::ml::TrainData::create(trainX, cv::ml::ROW_SAMPLE, trainY));
        for (std::size_t i = 0; i < labels.size(); ++i)
            if (fold[i] == f) {
                const int predicted = static_cast<int>(tree->predict(x.row(static_cast<int>(i))));
                if (predicted >= 0 && predicted < classes)
                    ++confusion[static_cast<std::size_t>(labels[i])]
                               [static_cast<std::size_t>(predicted)];
            }
    }
    double sum = 0;
    int present = 0;
    for (int c = 0; c < classes; ++c) {
        int total = 0;
        for (int n : confusion[static_cast<std::size_t>(c)])
            total += n;
        if (total > 0) {
            sum += static_cast<double>(
                       confusion[static_cast<std::size_t>(c)][static_cast<std::size_t>(c)]) /
                   total;
            ++present;
        }
    }
    return present ? sum / present : 0;
}

} // namespace

ShortcutReport findShortcuts(const std::vector<const ImageSurvey *> &surveys,
                             const std::vector<int> &labels,
                             int classes) {
    ShortcutReport report;
    report.chance = classes > 0 ? 1.0 / classes : 0;
    std::vector<const ImageSurvey *> rows;
    std::vector<int> rowLabels;
    std::vector<int> perClass(static_cast<std::size_t>(std::max(classes, 0)), 0);
    for (std::size_t i = 0; i < surveys.size() && i < labels.size(); ++i)
        if (surveys[i] && labels[i] >= 0 && labels[i] < classes) {
            rows.push_back(surveys[i]);
            rowLabels.push_back(labels[i]);
            ++perClass[static_cast<std::size_t>(labels[i])];
        }
    if (classes < 2 || *std::min_element(perClass.begin(), perClass.end()) < 10)
        return report;
    const std::vector<int> fold = folds(rowLabels, classes);
    std::vector<std::string> groupNames;
    for (const Property &p : properties())
        if (std::find(groupNames.begin(), groupNames.end(), p.group) == groupNames.end())
            groupNames.push_back(p.group);
    groupNames.push_back("all properties");
    for (const std::string &group : groupNames) {
        ShortcutGroup g;
        g.name = group;
        std::vector<const Property *> used;
        for (const Property &p : properties())
            if (group == "all properties" || group == p.group) {
                used.push_back(&p);
                g.features.push_back(p.name);
            }
        cv::Mat x(static_cast<int>(rows.size()), static_cast<int>(used.size()), CV_32F);
        for (std::size_t r = 0; r < rows.size(); ++r)
            for (std::size_t f = 0; f < used.size(); ++f)
                x.at<float>(static_cast<int>(r), static_cast<int>(f)) =
                    static_cast<float>(used[f]->value(*rows[r]));
        g.balancedAccuracy = crossValidated(x, rowLabels, fold, classes);
        report.groups.push_back(std::move(g));
    }
    const auto best = std::max_element(
        report.groups.begin(), report.groups.end() - 1, [](const auto &a, const auto &b) {
            return a.balancedAccuracy < b.balancedAccuracy;
        });
    const double alarm = report.chance + 0.5 * (1 - report.chance);
    const ShortcutGroup &top =
        report.all().balancedAccuracy >= alarm && best->balancedAccuracy < alarm ? report.all()
                                                                                 : *best;
    if (top.balancedAccuracy >= alarm) {
        char text[320];
        const std::string what = &top == &report.all()
                                     ? "image properties alone (size, file type, intensity, "
                                       "border, text marks)"
                                     : top.name + " alone";
        std::snprintf(text,
                      sizeof text,
                      "the class can be guessed from %s with balanced accuracy %.2f "
                      "(chance %.2f): a network can learn that instead of the disease",
                      what.c_str(),
                      top.balancedAccuracy,
                      report.chance);
        report.warning = text;
    }
    return report;
}

} // namespace cxr
