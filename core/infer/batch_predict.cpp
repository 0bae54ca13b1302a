// SPDX-License-Identifier: MIT
#include "infer/batch_predict.h"

#include <iomanip>
#include <optional>
#include <sstream>

#include "atomic_file.h"
#include "data/csv_reader.h"
#include "data/folder_walk.h"
#include "data/image_decode.h"
#include "data/image_encode.h"
#include "errors.h"
#include "infer/classifier.h"
#include "parallel_for.h"

namespace cxr {
namespace fs = std::filesystem;

std::vector<fs::path> imagesInFolder(const fs::path &folder, std::vector<Rejected> &rejected) {
    std::error_code error;
    if (!fs::is_directory(folder, error))
        throw Error("\"" + folder.string() + "\" is not a folder");
    return listImages(folder, rejected);
}

BatchPredictResult predictBatch(const Classifier &classifier,
                                const std::vector<fs::path> &images,
                                const fs::path &csv,
                                const BatchPredictOptions &options) {
    if (!options.overlaysDir.empty()) {
        std::error_code error;
        fs::create_directories(options.overlaysDir, error);
        if (error)
            throw Error("cannot create the overlay folder \"" + options.overlaysDir.string() +
                        "\": " + error.message());
    }
    std::vector<std::optional<Prediction>> predictions(images.size());
    std::vector<std::string> errors(images.size());
    parallelFor(
        images.size(),
        options.threads,
        [&](std::size_t i) {
            try {
                const DecodedImage decoded = decodeImage(images[i]);
                if (options.overlaysDir.empty()) {
                    predictions[i] = classifier.predict(decoded);
                    return;
                }
                const Explanation e =
                    classifier.explain(decoded, std::nullopt, options.method, options.smoothing);
                predictions[i] = e.prediction;
                const fs::path out =
                    options.overlaysDir / (images[i].stem().string() + ".overlay.png");
                OverlayOptions overlay = options.overlay;
                overlay.legend = describeExplanation(classifier.classes(),
                                                     e.prediction.probabilities,
                                                     e.prediction.label,
                                                     e.targetClass,
                                                     options.method,
                                                     options.smoothing);
                overlay.colourBar = true;
                writeImageFile(out, renderOverlay(decoded.pixels, e.heatmap, overlay));
            } catch (const ImageLoadError &e) {
                errors[i] = e.reason();
            }
        },
        options.progress,
        options.cancel);

    BatchPredictResult result;
    std::vector<ImagePrediction> rows;
    for (std::size_t i = 0; i < images.size(); ++i) {
        if (!predictions[i]) {
            result.failed.push_back({images[i], errors[i]});
            continue;
        }
        rows.push_back({images[i], *predictions[i]});
        ++result.predicted;
    }
    writePredictionsCsv(csv, classifier.classes(), rows);
    return result;
}

void writePredictionsCsv(const fs::path &csv,
                         const std::vector<std::string> &classes,
                         const std::vector<ImagePrediction> &rows) {
    std::ostringstream out;
    out << "image,label";
    for (const auto &c : classes)
        out << ",p_" << csvField(c);
    out << ",in_distribution,ood_score,warnings";
    out << '\n' << std::fixed << std::setprecision(6);
    for (const ImagePrediction &row : rows) {
        const Prediction &p = row.prediction;
        out << csvField(row.image.string()) << ','
            << csvField(classes.at(static_cast<std::size_t>(p.label)));
        for (float probability : p.probabilities)
            out << ',' << probability;
        std::string warnings;
        for (const std::string &w : p.warnings())
            warnings += (warnings.empty() ? "" : "; ") + w;
        out << ',' << (p.inDistribution() ? "yes" : "no") << ',';
        if (p.ood)
            out << p.ood->score;
        out << ',' << csvField(warnings) << '\n';
    }
    writeFileAtomically(csv, out.str());
}

} // namespace cxr
