// SPDX-License-Identifier: MIT
#include "report/svg_chart.h"

#include <cmath>
#include <iomanip>
#include <sstream>

#include "report/html_page.h"

namespace cxr {
namespace {

constexpr double kLeft = 52, kRight = 12, kTop = 28, kBottom = 44;

// Charts of one size share their clip rectangle, so its id may repeat in
// a page without changing what any chart shows.
std::string clipId(const Chart &chart) {
    return "plot-" + std::to_string(chart.width) + "x" + std::to_string(chart.height);
}

std::string number(double value) {
    std::ostringstream out;
    out << std::setprecision(4) << value;
    return out.str();
}

// Maps chart values to SVG coordinates inside the plot area.
struct Frame {
    const Chart &chart;
    double plotWidth() const { return chart.width - kLeft - kRight; }
    double plotHeight() const { return chart.height - kTop - kBottom; }
    double x(double value) const {
        const double span = chart.xMax - chart.xMin;
        return kLeft + (span > 0 ? (value - chart.xMin) / span : 0.5) * plotWidth();
    }
    double y(double value) const {
        const double span = chart.yMax - chart.yMin;
        return kTop + (1 - (span > 0 ? (value - chart.yMin) / span : 0.5)) * plotHeight();
    }
};

void axes(std::ostringstream &svg, const Frame &frame) {
    const Chart &chart = frame.chart;
    svg << "<rect x='" << kLeft << "' y='" << kTop << "' width='" << frame.plotWidth()
        << "' height='" << frame.plotHeight() << "' fill='none' stroke='#888'/>";
    std::vector<double> xTicks = niceTicks(chart.xMin, chart.xMax, chart.integerX ? 8 : 5);
    if (chart.integerX) {
        std::vector<double> whole;
        for (double t : xTicks)
            if (std::abs(t - std::round(t)) < 1e-9)
                whole.push_back(t);
        xTicks = whole;
    }
    for (double t : xTicks) {
        const double px = frame.x(t);
        svg << "<line x1='" << px << "' y1='" << kTop << "' x2='" << px << "' y2='"
            << kTop + frame.plotHeight() << "' stroke='#eee'/>"
            << "<text x='" << px << "' y='" << kTop + frame.plotHeight() + 14
            << "' text-anchor='middle'>" << number(t) << "</text>";
    }
    for (double t : niceTicks(chart.yMin, chart.yMax)) {
        const double py = frame.y(t);
        svg << "<line x1='" << kLeft << "' y1='" << py << "' x2='" << kLeft + frame.plotWidth()
            << "' y2='" << py << "' stroke='#eee'/>"
            << "<text x='" << kLeft - 5 << "' y='" << py + 4 << "' text-anchor='end'>" << number(t)
            << "</text>";
    }
    svg << "<text x='" << kLeft + frame.plotWidth() / 2 << "' y='" << chart.height - 8
        << "' text-anchor='middle'>" << escapeHtml(chart.xLabel) << "</text>"
        << "<text transform='translate(13," << kTop + frame.plotHeight() / 2
        << ") rotate(-90)' text-anchor='middle'>" << escapeHtml(chart.yLabel) << "</text>"
        << "<text x='" << kLeft << "' y='17' font-weight='bold'>" << escapeHtml(chart.title)
        << "</text>";
}

void series(std::ostringstream &svg, const Frame &frame, const ChartSeries &s) {
    const char *colour = chartColour(s.colour);
    if (s.style == LineStyle::Markers) {
        for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
            if (std::isfinite(s.x[i]) && std::isfinite(s.y[i]))
                svg << "<circle cx='" << frame.x(s.x[i]) << "' cy='" << frame.y(s.y[i])
                    << "' r='3' fill='" << colour << "'/>";
        return;
    }
    std::string path;
    bool pen = false;
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
        if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
            pen = false;
            continue;
        }
        path += (pen ? " L" : " M") + number(frame.x(s.x[i])) + ' ' + number(frame.y(s.y[i]));
        pen = true;
    }
    if (path.empty())
        return;
    svg << "<path d='" << path << "' fill='none' stroke='" << colour << "' stroke-width='1.8'"
        << (s.style == LineStyle::Dashed ? " stroke-dasharray='5 3'" : "") << " clip-path='url(#"
        << clipId(frame.chart) << ")'/>";
}

struct LegendEntry {
    std::string name, swatch; // swatch: SVG markup drawn at (0, 0), 16 wide
};

std::vector<LegendEntry> legendEntries(const Chart &chart) {
    std::vector<LegendEntry> entries;
    if (!chart.bars.empty() && !chart.barsName.empty())
        entries.push_back(
            {chart.barsName, "<rect x='0' y='-4' width='16' height='9' fill='#9ecae1'/>"});
    for (const ChartSeries &s : chart.series) {
        if (s.name.empty())
            continue;
        const std::string colour = chartColour(s.colour);
        entries.push_back(
            {s.name,
             s.style == LineStyle::Markers
                 ? "<circle cx='8' cy='0' r='3' fill='" + colour + "'/>"
                 : "<line x1='0' y1='0' x2='16' y2='0' stroke='" + colour + "' stroke-width='2'" +
                       (s.style == LineStyle::Dashed ? " stroke-dasharray='5 3'" : "") + "/>"});
    }
    return entries;
}

constexpr double kLegendRow = 15;

// Below the plot, two entries to a row, so that it never hides a curve.
void legend(std::ostringstream &svg, const Frame &frame, const std::vector<LegendEntry> &entries) {
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const double x = kLeft + (i % 2) * frame.plotWidth() / 2;
        const double y = frame.chart.height + 2 + (i / 2) * kLegendRow;
        svg << "<g transform='translate(" << x << ',' << y << ")'>" << entries[i].swatch
            << "<text x='22' y='4'>" << escapeHtml(entries[i].name) << "</text></g>";
    }
}

} // namespace

const char *chartColour(int index) {
    static const char *const palette[] = {
        "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"};
    const int n = static_cast<int>(sizeof palette / sizeof palette[0]);
    return palette[((index % n) + n) % n];
}

std::vector<double> niceTicks(double low, double high, int count) {
    std::vector<double> ticks;
    if (!(high > low) || !std::isfinite(low) || !std::isfinite(high) || count < 1)
        return ticks;
    const double rough = (high - low) / count;
    const int exponent = static_cast<int>(std::floor(std::log10(rough)));
    const double power = std::pow(10.0, exponent);
    double factor = 10;
    for (double f : {1.0, 2.0, 5.0})
        if (f * power >= rough) {
            factor = f;
            break;
        }
    // Tick k is k * factor * 10^exponent; for a negative exponent, dividing
    // the whole number k * factor by 10^-exponent gives the double nearest
    // the decimal (0.6, not 0.6000000000000001).
    const auto tick = [&](long long k) {
        return exponent < 0 ? static_cast<double>(k) * factor / std::pow(10.0, -exponent)
                            : static_cast<double>(k) * factor * power;
    };
    const double step = factor * power;
    for (auto k = static_cast<long long>(std::ceil(low / step - 1e-9));
         tick(k) <= high + step * 1e-9;
         ++k)
        ticks.push_back(tick(k));
    return ticks;
}

std::string renderSvg(const Chart &chart) {
    const Frame frame{chart};
    const std::vector<LegendEntry> entries = legendEntries(chart);
    const double height = chart.height + std::ceil(entries.size() / 2.0) * kLegendRow;
    std::ostringstream svg;
    svg << std::setprecision(5);
    svg << "<svg xmlns='http://www.w3.org/2000/svg' class='chart' viewBox='0 0 " << chart.width
        << ' ' << height << "' width='" << chart.width << "' height='" << height
        << "' font-family='sans-serif' font-size='11' role='img' aria-label='"
        << escapeHtml(chart.title) << "'>"
        << "<defs><clipPath id='" << clipId(chart) << "'><rect x='" << kLeft << "' y='" << kTop
        << "' width='" << frame.plotWidth() << "' height='" << frame.plotHeight()
        << "'/></clipPath></defs>";
    axes(svg, frame);
    for (const ChartBar &bar : chart.bars) {
        const double top = frame.y(std::min(bar.height, chart.yMax));
        svg << "<rect x='" << frame.x(bar.x0) << "' y='" << top << "' width='"
            << std::max(0.0, frame.x(bar.x1) - frame.x(bar.x0) - 1) << "' height='"
            << std::max(0.0, frame.y(std::max(chart.yMin, 0.0)) - top) << "' fill='#9ecae1'/>";
    }
    if (chart.diagonal)
        svg << "<line x1='" << frame.x(chart.xMin) << "' y1='" << frame.y(chart.xMin) << "' x2='"
            << frame.x(chart.xMax) << "' y2='" << frame.y(chart.xMax)
            << "' stroke='#999' stroke-dasharray='2 3' clip-path='url(#" << clipId(frame.chart)
            << ")'/>";
    for (const ChartSeries &s : chart.series)
        series(svg, frame, s);
    legend(svg, frame, entries);
    svg << "</svg>";
    return svg.str();
}

} // namespace cxr
