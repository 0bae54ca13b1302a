// SPDX-License-Identifier: MIT
#include "explain/overlay.h"

#include <algorithm>

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

cv::Mat renderOverlay(const cv::Mat &gray, const cv::Mat &heatmap, const OverlayOptions &options) {
    cv::Mat base8, base;
    gray.convertTo(base8, CV_8U, 255.0);
    cv::cvtColor(base8, base, cv::COLOR_GRAY2BGR);
    const cv::Mat colour = colouriseHeatmap(resizeHeatmap(heatmap, gray.size()), options.colormap);
    const double opacity = std::clamp(options.opacity, 0.0, 1.0);
    cv::Mat out;
    cv::addWeighted(base, 1.0 - opacity, colour, opacity, 0.0, out);

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
