#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The pictures of docs/audit.md, from the audit report of the sample with
planted faults (bench/audit_planted.py writes it): one picture per kind of
finding, each the report's own markup (its style, one section or one copy
group) rendered by headless Chromium and trimmed; and audit-report.png,
the report's first two pages printed to PDF.
Needs chromium, ImageMagick and poppler-utils' pdftoppm.
Usage: bench/audit_pictures.py REPORT.html OUT_DIR"""
import re
import subprocess
import sys
import tempfile
from pathlib import Path


def groups(html):
    """Each copy group's markup: <div class='keep'><h3>Group ...</div>."""
    return re.findall(r"<div class='keep'><h3>Group .*?</div>\n</div>", html, re.S)


def section(html, name):
    return re.search(rf"<section id='{name}'.*?</section>", html, re.S).group(0)


def pieces(html):
    copies = groups(html)

    def group(test):
        return next(g for g in copies if test(g))

    heading = "<h2>The same film more than once</h2>"
    return {
        "audit-summary": section(html, "summary"),
        "audit-copy-across-splits": heading + group(lambda g: "cut from one corner" in g),
        "audit-copy-within-split": heading + group(
            lambda g: "within one split, same label" in g.split("</h3>")[0]),
        "audit-conflicting-labels": heading + group(lambda g: "conflicting labels" in g),
        "audit-patients": section(html, "patients"),
        "audit-shortcuts": section(html, "shortcuts"),
        "audit-outliers": section(html, "outliers"),
    }


def chromium(work, *arguments):
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", *arguments],
                   check=True, capture_output=True, env={"HOME": work, "PATH": "/usr/bin:/bin"})


def render(head, body, out, work):
    page = Path(work) / (out.stem + ".html")
    page.write_text(head + "<body>" + body + "</body></html>")
    raw = Path(work) / (out.stem + "-raw.png")
    chromium(work, "--hide-scrollbars", "--window-size=1000,2400", f"--screenshot={raw}",
             page.as_uri())
    subprocess.run(["convert", str(raw), "-trim", "+repage", "-bordercolor", "white",
                    "-border", "12", "-strip", "-colors", "256", f"PNG8:{out}"], check=True)
    print(f"wrote {out}")


def printed(report, out, work):
    pdf = Path(work) / "report.pdf"
    chromium(work, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.resolve().as_uri())
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "2", str(pdf),
                    f"{work}/page"], check=True)
    pages = sorted(Path(work).glob("page-*.png"))
    subprocess.run(["montage", *map(str, pages), "-tile", "2x1", "-geometry", "+6+6",
                    "-strip", "-colors", "256", f"PNG8:{out}"], check=True)
    print(f"wrote {out}")


def main():
    report = Path(sys.argv[1])
    html = report.read_text()
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    head = html[:html.index("<body>")]
    with tempfile.TemporaryDirectory() as work:
        for name, body in pieces(html).items():
            render(head, body, out / f"{name}.png", work)
        printed(report, out / "audit-report.png", work)


if __name__ == "__main__":
    main()
