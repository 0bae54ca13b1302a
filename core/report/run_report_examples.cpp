// SPDX-License-Identifier: MIT
// The run report's Grad-CAM examples: the most confident correct and wrong
// test images (test_predictions.csv), explained by best.pt.
#include <algorithm>
#include <map>

#include "data/image_decode.h"
#include "explain/overlay.h"
#include "infer/classifier.h"
#include "report/run_report_parts.h"

namespace cxr::report {
namespace fs = std::filesystem;
namespace {

// Up to `count` rows, the most confident first, taking the classes in turn
// (by true class) so that one class cannot fill the row.
std::vector<const TestPrediction *>
chooseExamples(const std::vector<TestPrediction> &rows, bool correct, int count) {
    std::map<int, std::vector<const TestPrediction *>> byClass;
    for (const TestPrediction &row : rows)
        if ((row.predicted() == row.label) == correct)
            byClass[row.label].push_back(&row);
    for (auto &[label, list] : byClass)
        std::stable_sort(list.begin(), list.end(), [](const auto *a, const auto *b) {
            return a->probabilities[static_cast<std::size_t>(a->predicted())] >
                   b->probabilities[static_cast<std::size_t>(b->predicted())];
        });
    std::vector<const TestPrediction *> chosen;
    for (std::size_t rank = 0; static_cast<int>(chosen.size()) < count; ++rank) {
        bool any = false;
        for (auto &[label, list] : byClass)
            if (rank < list.size() && static_cast<int>(chosen.size()) < count) {
                chosen.push_back(list[rank]);
                any = true;
            }
        if (!any)
            break;
    }
    return chosen;
}

std::string className(const RunRecord &run, int label) {
    return label >= 0 && static_cast<std::size_t>(label) < run.classes.size()
               ? run.classes[static_cast<std::size_t>(label)]
               : "?";
}

} // namespace

void examplesSection(HtmlPage &page, const RunRecord &run, const RunReportOptions &options) {
    page.heading("Grad-CAM examples", "examples", false);
    const fs::path model = run.folder / "best.pt";
    std::error_code error;
    if (run.predictions.empty() || !fs::is_regular_file(model, error)) {
        page.paragraph("The run folder has no test predictions or no best.pt to explain them "
                       "with.");
        return;
    }
    const fs::path root = options.dataset ? *options.dataset
                          : run.dataset   ? run.dataset->root
                                          : fs::path();
    const auto correct = chooseExamples(run.predictions, true, options.examples);
    const auto wrong = chooseExamples(run.predictions, false, options.examples);
    const std::size_t total = correct.size() + wrong.size();
    std::optional<Classifier> classifier;
    try {
        classifier.emplace(Classifier::load(model));
    } catch (const std::exception &e) {
        page.warning(std::string("No overlays: ") + e.what());
        return;
    }
    page.paragraph("Where the network's score for its predicted class came from (Grad-CAM on "
                   "the last convolutional layer): red is high. The most confident test images "
                   "of each kind, classes taken in turn; p is the calibrated probability.");
    std::size_t done = 0;
    std::vector<std::string> problems;
    for (const auto &[title, list] : {std::pair{"Correct", correct}, std::pair{"Wrong", wrong}}) {
        const std::string heading = std::string(title) + " (" + std::to_string(list.size()) + ")";
        if (list.empty()) {
            page.subheading(heading);
            page.paragraph(correct.empty() ? "None." : "No test image was misclassified.");
            continue;
        }
        std::vector<HtmlPage::Figure> figures;
        for (const TestPrediction *row : list) {
            if (options.cancel)
                options.cancel->throwIfCancelled();
            const fs::path file = root / row->file;
            try {
                const DecodedImage image = decodeImage(file);
                const Explanation e = classifier->explain(image);
                OverlayOptions overlay;
                overlay.caption = true;
                const int predicted = row->predicted();
                figures.push_back(
                    {imageTag(renderOverlay(image.pixels, e.heatmap, overlay), row->file, 300),
                     "true " + className(run, row->label) + ", predicted " +
                         className(run, predicted) + " (p = " +
                         formatNumber(row->probabilities[static_cast<std::size_t>(predicted)]) +
                         "): " + row->file});
            } catch (const Cancelled &) {
                throw;
            } catch (const std::exception &e) {
                problems.push_back(e.what());
            }
            if (options.progress)
                options.progress(++done, total);
        }
        page.figureGroup(heading, figures, true);
    }
    if (!problems.empty()) {
        page.warning("Some overlays could not be drawn (the dataset may have moved: give its "
                     "new place with --dataset):");
        page.bullets(problems);
    }
}

} // namespace cxr::report
