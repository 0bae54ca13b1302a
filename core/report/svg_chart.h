// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

namespace cxr {

// Small line and bar charts as inline SVG, for reports that must stand
// alone (no script, no external file) and print sharply at any size.

enum class LineStyle { Solid, Dashed, Markers };

struct ChartSeries {
    std::string name; // in the legend; empty: not listed
    std::vector<double> x, y;
    LineStyle style = LineStyle::Solid;
    int colour = 0; // index into chartColour()
};

// A bar from x0 to x1, from 0 up to `height` on the y axis.
struct ChartBar {
    double x0 = 0, x1 = 0, height = 0;
};

struct Chart {
    std::string title, xLabel, yLabel;
    double xMin = 0, xMax = 1, yMin = 0, yMax = 1; // the axes' ranges
    bool integerX = false;                         // ticks on whole numbers (epochs)
    bool diagonal = false;                         // the line y = x, dotted grey
    std::vector<ChartBar> bars;                    // drawn first, in light blue
    std::string barsName;                          // the bars' legend entry
    std::vector<ChartSeries> series;
    // In CSS pixels, without the legend, which goes below (a row for every
    // two named series).
    int width = 440, height = 320;
};

// A colour-blind-safe palette (Okabe and Ito); the index wraps around.
const char *chartColour(int index);

// The chart as an <svg> element. Values outside the axes are clipped;
// non-finite values break a line.
std::string renderSvg(const Chart &chart);

// Tick positions covering [low, high]: 1, 2 or 5 times a power of ten apart,
// about `count` of them.
std::vector<double> niceTicks(double low, double high, int count = 5);

} // namespace cxr
