// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace cxr {

// A self-contained HTML page: one file with its style, charts (inline SVG)
// and pictures (data: URIs) inside, readable offline and printable to PDF
// (A4, figures and tables never split across pages). Text given to the
// methods is escaped; only `raw` takes markup.
class HtmlPage {
  public:
    // `title` names the page; `notice` is the line shown in a band at the
    // top of the page (and of the first printed page).
    HtmlPage(std::string title, std::string notice);

    // Starts a section (h2) that ends where the next one starts. With
    // `keepTogether`, a section that fits on one printed page is not split
    // (long lists of pictures should flow instead).
    void heading(const std::string &text, const std::string &id, bool keepTogether = true);
    void subheading(const std::string &text); // h3
    void paragraph(const std::string &text);
    void warning(const std::string &text); // a highlighted paragraph
    void bullets(const std::vector<std::string> &items);
    // A table: `header` above (none when every cell is empty), `rows`
    // below (cells escaped; rows may be shorter than the header). `numeric`
    // right-aligns the cells after the first that hold a number or a
    // percentage.
    void table(const std::vector<std::string> &header,
               const std::vector<std::vector<std::string>> &rows,
               bool numeric = true);
    // Figures side by side where the page is wide enough; each one a
    // piece of markup (an <svg> or an <img>) with its caption. Printed two
    // to a row, or three for `pictures`.
    struct Figure {
        std::string markup, caption;
    };
    void figures(const std::vector<Figure> &items, bool pictures = false);
    // A subheading with its figures, never split across printed pages.
    void figureGroup(const std::string &title, const std::vector<Figure> &items, bool pictures);
    void raw(const std::string &markup);

    std::string str() const;

  private:
    std::string m_title, m_notice, m_body;
    bool m_inSection = false;
};

// &, <, >, " and ' as entities.
std::string escapeHtml(const std::string &text);

// The image (8-bit grey or BGR) as an <img> whose source is a JPEG data URI,
// scaled down to at most `maxWidth` pixels wide.
std::string imageTag(const cv::Mat &image, const std::string &alt, int maxWidth = 320);

// Standard base64 (RFC 4648) of `bytes`.
std::string base64(const std::string &bytes);

} // namespace cxr
