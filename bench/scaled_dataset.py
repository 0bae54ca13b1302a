#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a dataset of N chest X-ray JPEGs at CoronaHack's sizes (1,200 to
2,000 pixels wide) from the real sample: each image is one sample film
rotated, cropped (15-35% of its area taken off at a random place),
mirrored and brightened at random, so that the audit's timing is measured
on real film content, real JPEG decoding and the real dataset's scale.
Usage: bench/scaled_dataset.py SAMPLE OUT [N]"""
import multiprocessing
import random
import sys
from pathlib import Path

from PIL import Image, ImageOps


def write(job):
    index, source, out = job
    rng = random.Random(index)
    image = Image.open(source).convert("L")
    image = image.rotate(rng.uniform(-10, 10), resample=Image.BILINEAR, expand=False)
    w, h = image.size
    keep = rng.uniform(0.65, 0.85) ** 0.5
    cw, ch = int(w * keep), int(h * keep)
    x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
    image = image.crop((x, y, x + cw, y + ch))
    if rng.random() < 0.5:
        image = ImageOps.mirror(image)
    gamma = rng.uniform(0.8, 1.25)
    image = image.point(lambda v: int(255 * (v / 255) ** gamma))
    width = rng.randint(1200, 2000)
    image = image.resize((width, int(width * ch / cw)), Image.BILINEAR)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, quality=90)


def main():
    sample, out = Path(sys.argv[1]), Path(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 6000
    films = sorted(p for p in sample.rglob("*.png"))
    jobs = []
    for i in range(count):
        source = films[i % len(films)]
        split = "test" if i % 7 == 0 else "train"
        jobs.append((i, source, out / split / source.parent.name / f"scaled_{i:05d}.jpg"))
    with multiprocessing.Pool() as pool:
        pool.map(write, jobs, chunksize=32)


if __name__ == "__main__":
    main()
