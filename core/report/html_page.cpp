// SPDX-License-Identifier: MIT
#include "report/html_page.h"

#include <algorithm>
#include <cstdlib>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <openssl/evp.h>

#include "errors.h"

namespace cxr {
namespace {

// Screen and print: A4 pages with margins, nothing split that reads as
// one piece (a figure, a table row, a heading from its first paragraph).
constexpr const char *kStyle = R"css(
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 13px; color: #222;
       max-width: 980px; margin: 0 auto; padding: 0 16px 32px; line-height: 1.45; }
.notice { background: #fff3cd; border: 1px solid #e0c36a; padding: 8px 12px; margin: 12px 0;
          font-weight: bold; }
h1 { font-size: 22px; margin: 18px 0 4px; }
h2 { font-size: 17px; border-bottom: 1px solid #ccc; margin-top: 26px; padding-bottom: 3px; }
h3 { font-size: 14px; margin: 14px 0 4px; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid #ccc; padding: 3px 7px; vertical-align: top; }
th { background: #f3f3f3; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.warning { background: #fdecea; border-left: 4px solid #c0392b; padding: 6px 10px; }
.figures { display: flex; flex-wrap: wrap; gap: 14px; }
figure { margin: 4px 0; }
figcaption { font-size: 0.92em; color: #444; max-width: 440px; }
svg.chart { max-width: 100%; height: auto; }
img { max-width: 100%; }
.meta { color: #555; }
@page { size: A4; margin: 14mm 12mm; }
section.keep, div.keep { break-inside: avoid; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5px; }
  h2 { break-after: avoid; margin-top: 14px; }
  figure, tr, .notice, .warning { break-inside: avoid; }
  .figures { gap: 6px; }
  .figures figure { width: 48%; }
  .figures.pictures figure { width: 31%; }
  svg.chart { width: 100%; }
}
)css";

} // namespace

std::string escapeHtml(const std::string &text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string base64(const std::string &bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data()),
                                        reinterpret_cast<const unsigned char *>(bytes.data()),
                                        static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(std::max(written, 0)));
    return out;
}

std::string imageTag(const cv::Mat &image, const std::string &alt, int maxWidth) {
    cv::Mat scaled = image;
    if (image.cols > maxWidth) {
        const double f = static_cast<double>(maxWidth) / image.cols;
        cv::resize(image, scaled, cv::Size(), f, f, cv::INTER_AREA);
    }
    std::vector<unsigned char> jpeg;
    if (scaled.empty() || !cv::imencode(".jpg", scaled, jpeg, {cv::IMWRITE_JPEG_QUALITY, 85}))
        throw Error("could not encode the picture \"" + alt + "\" for the report");
    return "<img alt='" + escapeHtml(alt) + "' width='" + std::to_string(scaled.cols) +
           "' height='" + std::to_string(scaled.rows) + "' src='data:image/jpeg;base64," +
           base64(std::string(jpeg.begin(), jpeg.end())) + "'>";
}

HtmlPage::HtmlPage(std::string title, std::string notice)
    : m_title(std::move(title)), m_notice(std::move(notice)) {}

void HtmlPage::heading(const std::string &text, const std::string &id, bool keepTogether) {
    m_body += std::string(m_inSection ? "</section>\n" : "") + "<section id='" + escapeHtml(id) +
              "'" + (keepTogether ? " class='keep'" : "") + ">\n<h2>" + escapeHtml(text) +
              "</h2>\n";
    m_inSection = true;
}

void HtmlPage::subheading(const std::string &text) {
    m_body += "<h3>" + escapeHtml(text) + "</h3>\n";
}

void HtmlPage::paragraph(const std::string &text) { m_body += "<p>" + escapeHtml(text) + "</p>\n"; }

void HtmlPage::warning(const std::string &text) {
    m_body += "<p class='warning'>" + escapeHtml(text) + "</p>\n";
}

void HtmlPage::bullets(const std::vector<std::string> &items) {
    if (items.empty())
        return;
    m_body += "<ul>";
    for (const std::string &item : items)
        m_body += "<li>" + escapeHtml(item) + "</li>";
    m_body += "</ul>\n";
}

namespace {

// A number, or a percentage: right-aligned in a numeric table.
bool looksNumeric(const std::string &cell) {
    if (cell.empty())
        return false;
    char *end = nullptr;
    std::strtod(cell.c_str(), &end);
    return end != cell.c_str() && (*end == '\0' || std::string(end) == "%");
}

} // namespace

void HtmlPage::table(const std::vector<std::string> &header,
                     const std::vector<std::vector<std::string>> &rows,
                     bool numeric) {
    m_body += "<table>";
    if (std::any_of(header.begin(), header.end(), [](const auto &cell) { return !cell.empty(); })) {
        m_body += "<thead><tr>";
        for (const std::string &cell : header)
            m_body += "<th>" + escapeHtml(cell) + "</th>";
        m_body += "</tr></thead>";
    }
    m_body += "<tbody>";
    for (const std::vector<std::string> &row : rows) {
        m_body += "<tr>";
        for (std::size_t c = 0; c < row.size(); ++c)
            m_body += (numeric && c > 0 && looksNumeric(row[c]) ? "<td class='num'>" : "<td>") +
                      escapeHtml(row[c]) + "</td>";
        m_body += "</tr>";
    }
    m_body += "</tbody></table>\n";
}

void HtmlPage::figures(const std::vector<Figure> &items, bool pictures) {
    m_body += pictures ? "<div class='figures pictures'>" : "<div class='figures'>";
    for (const Figure &figure : items)
        m_body += "<figure>" + figure.markup + "<figcaption>" + escapeHtml(figure.caption) +
                  "</figcaption></figure>";
    m_body += "</div>\n";
}

void HtmlPage::figureGroup(const std::string &title,
                           const std::vector<Figure> &items,
                           bool pictures) {
    m_body += "<div class='keep'>";
    subheading(title);
    figures(items, pictures);
    m_body += "</div>\n";
}

void HtmlPage::raw(const std::string &markup) { m_body += markup; }

std::string HtmlPage::str() const {
    return "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>\n<title>" +
           escapeHtml(m_title) + "</title>\n<style>" + kStyle + "</style></head>\n<body>\n<h1>" +
           escapeHtml(m_title) + "</h1>\n<p class='notice'>" + escapeHtml(m_notice) + "</p>\n" +
           m_body + (m_inSection ? "</section>\n" : "") + "</body></html>\n";
}

} // namespace cxr
