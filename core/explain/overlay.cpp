// SPDX-License-Identifier: MIT
#include "explain/overlay.h"

#include <algorithm>
#include <cstdio>

#include <opencv2/imgproc.hpp>

namespace cxr {

const char *colormapName(Colormap colormap) {
    switch (colormap) {
    case Colormap::Jet:
        return "jet";
    case Colormap::Inferno:
        return "inferno";
    case Colormap::Gray:
        break;
    }
    return "gray";
}

std::optional<Colormap> parseColormap(const std::string &name) {
    for (Colormap c : {Colormap::Jet, Colormap::Inferno, Colormap::Gray})
        if (name == colormapName(c))
            return c;
    return std::nullopt;
}

cv::Mat resizeHeatmap(const cv::Mat &heatmap, cv::Size size) {
    if (heatmap.size() == size)
        return heatmap;
    cv::Mat out;
    cv::resize(heatmap, out, size, 0, 0, cv::INTER_LINEAR);
    cv::max(out, 0.0, out);
    cv::min(out, 1.0, out);
    return out;
}

cv::Mat colouriseHeatmap(const cv::Mat &heatmap, Colormap colormap) {
    cv::Mat bytes;
    heatmap.convertTo(bytes, CV_8U, 255.0);
    cv::Mat colour;
    if (colormap == Colormap::Gray)
        cv::cvtColor(bytes, colour, cv::COLOR_GRAY2BGR);
    else
        cv::applyColorMap(
            bytes, colour, colormap == Colormap::Jet ? cv::COLORMAP_JET : cv::COLORMAP_INFERNO);
    return colour;
}

namespace {

// Text at a size that reads on the image whatever its resolution.
double fontScaleFor(const cv::Mat &image) { return std::max(0.35, image.cols / 1400.0); }

void drawLegend(cv::Mat &out, const std::vector<std::string> &lines) {
    const int font = cv::FONT_HERSHEY_SIMPLEX;
    const double scale = fontScaleFor(out);
    const int thickness = std::max(1, static_cast<int>(scale * 1.6));
    int baseline = 0;
    const int lineHeight =
        cv::getTextSize("Ag", font, scale, thickness, &baseline).height + baseline + 6;
    const int band = std::min(out.rows, lineHeight * static_cast<int>(lines.size()) + 8);
    cv::Mat strip = out(cv::Rect(0, 0, out.cols, band));
    strip *= 0.25;
    for (std::size_t i = 0; i < lines.size(); ++i)
        cv::putText(out,
                    lines[i],
                    cv::Point(8, 4 + lineHeight * static_cast<int>(i + 1) - baseline - 3),
                    font,
                    scale,
                    cv::Scalar(255, 255, 255),
                    thickness,
                    cv::LINE_AA);
}

void drawColourBar(cv::Mat &out, Colormap colormap) {
    const int height = std::max(20, out.rows * 2 / 5);
    const int width = std::max(6, out.cols / 60);
    const int x = out.cols - 2 * width - std::max(20, out.cols / 25);
    const int y = (out.rows - height) / 2;
    if (x < 0 || y < 0)
        return;
    cv::Mat ramp(height, 1, CV_32FC1);
    for (int i = 0; i < height; ++i)
        ramp.at<float>(i) = 1.0f - static_cast<float>(i) / static_cast<float>(height - 1);
    cv::Mat bar;
    cv::resize(
        colouriseHeatmap(ramp, colormap), bar, cv::Size(width, height), 0, 0, cv::INTER_NEAREST);
    bar.copyTo(out(cv::Rect(x, y, width, height)));
    cv::rectangle(out, cv::Rect(x, y, width, height), cv::Scalar(255, 255, 255), 1);
    const double scale = fontScaleFor(out) * 0.8;
    const int thickness = std::max(1, static_cast<int>(scale * 1.6));
    cv::putText(out,
                "high",
                cv::Point(x - width / 2, y - 6),
                cv::FONT_HERSHEY_SIMPLEX,
                scale,
                cv::Scalar(255, 255, 255),
                thickness,
                cv::LINE_AA);
    int baseline = 0;
    const int textHeight =
        cv::getTextSize("low", cv::FONT_HERSHEY_SIMPLEX, scale, thickness, &baseline).height;
    cv::putText(out,
                "low",
                cv::Point(x - width / 2, y + height + textHeight + 6),
                cv::FONT_HERSHEY_SIMPLEX,
                scale,
                cv::Scalar(255, 255, 255),
                thickness,
                cv::LINE_AA);
}

std::string fixed(double value, int decimals) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

} // namespace

std::vector<std::string> describeExplanation(const std::vector<std::string> &classes,
                                             const std::vector<float> &probabilities,
                                             int label,
                                             int target,
                                             CamMethod method,
                                             const CamSmoothing &smoothing) {
    const auto name = [&classes](int c) {
        return c >= 0 && c < static_cast<int>(classes.size()) ? classes[static_cast<std::size_t>(c)]
                                                              : std::string("?");
    };
    std::vector<std::string> lines;
    if (label >= 0 && label < static_cast<int>(probabilities.size()))
        lines.push_back("Predicted: " + name(label) +
                        " (p = " + fixed(probabilities[static_cast<std::size_t>(label)], 3) + ")");
    std::string all;
    for (std::size_t c = 0; c < probabilities.size() && c < classes.size(); ++c)
        all += (all.empty() ? "" : "  ") + classes[c] + " " + fixed(probabilities[c], 3);
    if (!all.empty())
        lines.push_back(all);
    std::string how = std::string(camMethodTitle(method)) + " heatmap of " + name(target);
    if (const std::string averaged = smoothingDescription(smoothing.flips); !averaged.empty())
        how += ", " + averaged;
    if (smoothing.shifts > 1)
        how += ", " + std::to_string(smoothing.shifts) + " x " + std::to_string(smoothing.shifts) +
               " sub-cell shifts";
    lines.push_back(how);
    return lines;
}

cv::Mat renderOverlay(const cv::Mat &gray, const cv::Mat &heatmap, const OverlayOptions &options) {
    cv::Mat base8, base;
    gray.convertTo(base8, CV_8U, 255.0);
    cv::cvtColor(base8, base, cv::COLOR_GRAY2BGR);
    const cv::Mat colour = colouriseHeatmap(resizeHeatmap(heatmap, gray.size()), options.colormap);
    const double opacity = std::clamp(options.opacity, 0.0, 1.0);
    cv::Mat out;
    cv::addWeighted(base, 1.0 - opacity, colour, opacity, 0.0, out);

    if (!options.legend.empty())
        drawLegend(out, options.legend);
    if (options.colourBar)
        drawColourBar(out, options.colormap);
    if (options.caption) {
        // Text scaled to the image width, on a dark band for contrast.
        const int font = cv::FONT_HERSHEY_SIMPLEX;
        int baseline = 0;
        const cv::Size unit = cv::getTextSize(kResearchCaption, font, 1.0, 1, &baseline);
        const double scale = std::max(0.25, 0.9 * out.cols / unit.width);
        const int thickness = std::max(1, static_cast<int>(scale * 1.5));
        const cv::Size text = cv::getTextSize(kResearchCaption, font, scale, thickness, &baseline);
        const int band = std::min(out.rows, text.height + baseline + 8);
        cv::Mat strip = out(cv::Rect(0, out.rows - band, out.cols, band));
        strip *= 0.25;
        cv::putText(out,
                    kResearchCaption,
                    cv::Point((out.cols - text.width) / 2, out.rows - baseline - 4),
                    font,
                    scale,
                    cv::Scalar(255, 255, 255),
                    thickness,
                    cv::LINE_AA);
    }
    return out;
}

} // namespace cxr
