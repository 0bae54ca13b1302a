// SPDX-License-Identifier: MIT
#include "eval/localisation.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "data/image_decode.h"
#include "errors.h"
#include "infer/classifier.h"

namespace cxr {
namespace fs = std::filesystem;

void scoreHeatmap(const cv::Mat &heatmap, const cv::Mat &mask, bool &hit, double &mass) {
    cv::Mat inside;
    cv::resize(mask, inside, heatmap.size(), 0, 0, cv::INTER_NEAREST);
    inside = inside > 0;
    double peak = 0;
    cv::Point where;
    cv::minMaxLoc(heatmap, nullptr, &peak, nullptr, &where);
    const double total = cv::sum(heatmap)[0];
    hit = peak > 0 && inside.at<unsigned char>(where) != 0;
    cv::Mat weight;
    inside.convertTo(weight, CV_32F, 1.0 / 255.0);
    mass = total > 0 ? cv::sum(heatmap.mul(weight))[0] / total : 0.0;
}

LocalisationReport scoreLocalisation(const Classifier &classifier,
                                     const DatasetIndex &index,
                                     const fs::path &masksDir,
                                     Split split,
                                     CamMethod method,
                                     const CamSmoothing &smoothing,
                                     const ProgressFn &progress,
                                     const CancelToken *cancel) {
    struct Item {
        std::size_t sample;
        int modelClass;
        cv::Mat mask;
    };
    LocalisationReport report;
    std::vector<Item> items;
    for (std::size_t i = 0; i < index.samples.size(); ++i) {
        const Sample &s = index.samples[i];
        if (s.split != split)
            continue;
        const fs::path mask = masksDir / s.path.lexically_relative(index.root);
        std::error_code error;
        if (!fs::exists(mask, error)) {
            report.skipped.push_back({s.path, "no mask at " + mask.string()});
            continue;
        }
        DecodedImage decoded;
        try {
            decoded = decodeImage(mask);
        } catch (const ImageLoadError &e) {
            report.skipped.push_back({mask, e.reason()});
            continue;
        }
        if (cv::countNonZero(decoded.pixels > 0) == 0)
            continue; // no lesion (a normal image): nothing to point at
        const std::string &name = index.classes[static_cast<std::size_t>(s.label)];
        const int modelClass = classifier.classIndex(name);
        if (modelClass < 0) {
            report.skipped.push_back({s.path, "the model has no class " + name});
            continue;
        }
        items.push_back({i, modelClass, decoded.pixels > 0});
        if (std::find(report.classes.begin(), report.classes.end(), name) == report.classes.end())
            report.classes.push_back(name);
    }
    report.perClass.resize(report.classes.size());

    std::size_t hits = 0;
    double massSum = 0;
    for (std::size_t k = 0; k < items.size(); ++k) {
        if (cancel)
            cancel->throwIfCancelled();
        const Sample &s = index.samples[items[k].sample];
        try {
            const Explanation e = classifier.explain(
                decodeImage(s.path).pixels, items[k].modelClass, method, smoothing);
            bool hit = false;
            double mass = 0;
            scoreHeatmap(e.heatmap, items[k].mask, hit, mass);
            const std::string &name = index.classes[static_cast<std::size_t>(s.label)];
            const auto c = static_cast<std::size_t>(
                std::find(report.classes.begin(), report.classes.end(), name) -
                report.classes.begin());
            LocalisationScore &score = report.perClass[c];
            score.pointingGame += hit;
            score.massInMask += mass;
            ++score.images;
            hits += hit;
            massSum += mass;
            ++report.overall.images;
        } catch (const ImageLoadError &e) {
            report.skipped.push_back({s.path, e.reason()});
        }
        if (progress)
            progress(k + 1, items.size());
    }
    for (LocalisationScore &score : report.perClass)
        if (score.images) {
            score.pointingGame /= static_cast<double>(score.images);
            score.massInMask /= static_cast<double>(score.images);
        }
    if (report.overall.images) {
        report.overall.pointingGame =
            static_cast<double>(hits) / static_cast<double>(report.overall.images);
        report.overall.massInMask = massSum / static_cast<double>(report.overall.images);
    }
    return report;
}

} // namespace cxr
