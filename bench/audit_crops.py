#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""How large a crop the audit still sees through: for each kind of crop,
plants cropped copies of 20 training films of the real sample in the test
split of a copy of it, runs `cxr audit`, and prints how many copies were
found in a group with their original, and how many groups held no planted
copy (false pairs). Crops from a corner take the given share off two
adjacent sides (the corners in turn); crops from one side take it twice
off one side (top, right, bottom, left in turn), so that both remove the
same area. Usage: bench/audit_crops.py CXR SAMPLE WORK"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image

FILMS = 20


def crop(image, percent, where, turn):
    w, h = image.size
    dx, dy = w * percent // 100, h * percent // 100
    if where == "centre":
        box = (dx, dy, w - dx, h - dy)
    elif where == "corner":
        left, top = (turn % 2) * 2 * dx, (turn // 2 % 2) * 2 * dy
        box = (left, top, left + w - 2 * dx, top + h - 2 * dy)
    else:  # one side
        box = [(0, 2 * dy, w, h), (0, 0, w - 2 * dx, h), (0, 0, w, h - 2 * dy),
               (2 * dx, 0, w, h)][turn % 4]
    return image.crop(box)


def found_share(cxr, sample, work, percent, where):
    data = work / f"crops-{where}-{percent}"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(sample, data)
    films = sorted((data / "train").rglob("*.png"))
    step = len(films) // FILMS
    planted = {}
    for n in range(FILMS):
        source = films[n * step]
        target = data / "test" / source.parent.name / f"planted-{n}.png"
        crop(Image.open(source).convert("L"), percent, where, n).save(target)
        planted[str(target)] = str(source)
    out = subprocess.run([cxr, "audit", str(data), "--no-cache", "--json"],
                         check=True, capture_output=True, text=True).stdout
    found, false_groups = 0, 0
    for group in json.loads(out)["duplicates"]:
        files = set(group["files"])
        copies = [f for f in files if f in planted]
        found += sum(1 for f in copies if planted[f] in files)
        false_groups += not copies
    shutil.rmtree(data)
    return found, false_groups


def main():
    cxr, sample, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    work.mkdir(parents=True, exist_ok=True)
    print("| crop (share of width and height taken off) | found | false pairs |")
    print("|---|---|---|")
    for where, label in (("centre", "at the centre"), ("corner", "from one corner"),
                         ("side", "from one side")):
        for percent in (2, 3, 5, 8):
            found, false_groups = found_share(cxr, sample, work, percent, where)
            print(f"| {2 * percent}% {label} | {found} of {FILMS} | {false_groups} |")


if __name__ == "__main__":
    main()
