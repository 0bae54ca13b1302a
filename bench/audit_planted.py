#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Plants copies of real films in a copy of the sample and prints what
`cxr audit` finds of each: the kind, the score and whether it crossed
splits, and how many groups it found among the sample's own films (false
pairs). Also plants a non-chest image (a printed form) and a test film
renamed as a training patient's, and writes the audit's HTML report to
WORK/planted-audit.html. Usage: bench/audit_planted.py CXR SAMPLE WORK"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFont


def main():
    cxr, sample, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    data = work / "planted"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(sample, data)
    films = sorted((data / "train").rglob("*.png"))
    kinds = {}

    def plant(name, source, split, image, suffix=".png", label=None):
        target = data / split / (label or source.parent.name) / f"planted-{name}{suffix}"
        image.save(target, quality=60) if suffix == ".jpg" else image.save(target)
        kinds[str(target.relative_to(data))] = name

    def film(i):
        return films[i], Image.open(films[i]).convert("L")

    path, image = film(0)
    plant("exact copy", path, "test", image)
    path, image = film(10)
    plant("half size, JPEG quality 60", path, "test",
          image.resize((image.width // 2, image.height // 2)), ".jpg")
    for n, percent in ((20, 2), (30, 3), (40, 5)):
        path, image = film(n)
        dx, dy = image.width * percent // 100, image.height * percent // 100
        plant(f"{percent}% cut from each side", path, "test",
              image.crop((dx, dy, image.width - dx, image.height - dy)))
    path, image = film(50)
    dx, dy = image.width * 3 // 100, image.height * 3 // 100
    plant("3% cut from one corner", path, "test", image.crop((dx, dy, image.width, image.height)))
    path, image = film(60)
    plant("brightness +20%, contrast +20%", path, "test",
          ImageEnhance.Contrast(ImageEnhance.Brightness(image).enhance(1.2)).enhance(1.2))
    path, image = film(70)
    marked = image.copy()
    ImageDraw.Draw(marked).text((image.width // 20, image.height // 12), "L  PORTABLE",
                                fill=255, font=ImageFont.load_default())
    plant("a burned-in text marker", path, "train", marked)
    path, image = film(80)
    other = "NORMAL" if path.parent.name != "NORMAL" else "COVID19"
    plant("relabelled copy", path, "train", image, label=other)

    form = Image.new("L", (600, 400), 200)
    ImageDraw.Draw(form).rectangle((50, 50, 550, 170), fill=30)
    form.save(data / "train" / "NORMAL" / "planted-printed-form.png")
    patient = next(p for p in films if p.name.startswith("kermany_person")).name.split("_")[1]
    moved = sorted((data / "test" / "VIRUS").glob("*.png"))[0]
    moved.rename(moved.parent / f"kermany_{patient}_virus_9999.png")

    out = subprocess.run([cxr, "audit", str(data), "--no-cache", "--json",
                          "--report", str(work / "planted-audit.html")],
                         check=True, capture_output=True, text=True).stdout
    audit = json.loads(out)
    found = {}
    false_pairs = 0
    for group in audit["duplicates"]:
        names = [kinds.get(str(Path(f).relative_to(data))) for f in group["files"]]
        planted = [n for n in names if n]
        if not planted:
            false_pairs += 1
        for n in planted:
            found[n] = group
    print("| copy | found | kind | score | across splits | conflicting labels |")
    print("|---|---|---|---|---|---|")
    for name in kinds.values():
        g = found.get(name)
        if g:
            print(f"| {name} | yes | {g['kind']} | {g['score']:.3f} | "
                  f"{'yes' if g['across_splits'] else 'no'} | "
                  f"{'yes' if g['conflicting_labels'] else 'no'} |")
        else:
            print(f"| {name} | no | | | | |")
    print(f"\ngroups among the sample's own {len(films) + 40} films: {false_pairs}")
    for p in audit["patients_in_several_splits"]:
        print(f"patient in several splits: {p['patient']} ({', '.join(p['splits'])})")
    for o in audit["outliers"]:
        print(f"unlike the rest: {Path(o['path']).name} (score {o['score']:.1f})")
    print(f"report: {work / 'planted-audit.html'}")


if __name__ == "__main__":
    main()
