#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Second opinion on `cxr explain --dataset --masks`, with Debian's torchvision.

For a ResNet50 checkpoint written by `cxr train` and a phantom dataset, per
lesion class of the test split:
  1. the Grad-CAM pointing game computed independently (torchvision's
     resnet50, the checkpoint's preprocessing), so a disagreement with
     CXR Studio's number would point at our code. The map's peak cell is
     placed at its receptive-field centre, input pixel 32 * k for ResNet50
     (CXR Studio's FeatureGrid), and mapped through the resize;
  2. the best pointing game any map of this resolution could reach: the
     heatmap peaks at a cell centre, so an image counts only if its mask
     covers one of the h x w centres;
  3. occlusion sensitivity: a 32 px patch flattened to its mean, slid in
     16 px steps; where the class probability drops most is where the
     model's evidence is, whatever Grad-CAM says. Counts how often that
     patch touches the lesion mask.

With --smoothing mirror or flips, step 1 averages the maps of the flipped
images, each laid over the image and flipped back, as `cxr explain
--smooth` and `--smooth-flips` do; with --shifts N, each flipped image is
also moved by N x N fractions of the stride (edges repeated) and each map
laid back, as `cxr explain --shifts N` does.

Usage: /usr/bin/python3 tools/localisation_check.py RUN/best.pt PHANTOMS [--occlusion-images 6]
           [--smoothing none|mirror|flips] [--shifts N]
Analysis only (never used by the product); see docs/explain.md.
"""
import argparse
import glob
import os

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from PIL import Image


def load(checkpoint_path):
    checkpoint = torch.load(checkpoint_path)
    if checkpoint["arch"] != "resnet50":
        raise SystemExit("only ResNet50 checkpoints are supported")
    model = torchvision.models.resnet50(num_classes=len(checkpoint["classes"]))
    model.load_state_dict(checkpoint["state_dict"])
    return model.eval(), checkpoint["classes"], checkpoint["preprocessing"]


def to_input(gray, preprocessing):
    size = preprocessing["image_size"]
    x = torch.from_numpy(gray)[None, None]
    if x.shape[-1] != size or x.shape[-2] != size:
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    mean = torch.tensor(preprocessing["mean"]).view(1, 3, 1, 1)
    std = torch.tensor(preprocessing["std"]).view(1, 3, 1, 1)
    return (x.repeat(1, 3, 1, 1) - mean) / std


STRIDE, OFFSET = 32, 0  # ResNet50's layer4 grid on its input (FeatureGrid)


def cell_centre(k, size, length):
    """Pixel of the original axis (length) under cell k of an input of size."""
    u = OFFSET + STRIDE * k
    return min(length - 1, max(0, int(round((u + 0.5) * length / size - 0.5))))


def grad_cam(model, x, target):
    body = torch.nn.Sequential(*list(model.children())[:-2])
    with torch.no_grad():
        features = body(x)
    features.requires_grad_(True)
    logit = model.fc(features.mean((2, 3)))[0, target]
    (grad,) = torch.autograd.grad(logit, features)
    cam = F.relu((grad[0].mean((1, 2))[:, None, None] * features[0]).sum(0)).detach().numpy()
    return cam / max(float(cam.max()), 1e-12)  # each map in [0, 1], as CXR Studio's


def on_image(cam, size, shape, shift=(0, 0)):
    """The map laid over the image: cell k at input pixel 32 * k, or at
    32 * k - d when the input's content was moved by d (rows, columns),
    linear in between (constant beyond the outer cells), then resized to
    the image."""
    cells = cam.shape[0]

    def axis(d):
        u = np.clip((np.arange(size) + d - OFFSET) / STRIDE, 0, cells - 1)
        k0 = np.floor(u).astype(int)
        return k0, np.minimum(k0 + 1, cells - 1), u - k0

    r0, r1, wr = axis(shift[0])
    c0, c1, wc = axis(shift[1])
    rows = cam[r0] * (1 - wr)[:, None] + cam[r1] * wr[:, None]
    full = rows[:, c0] * (1 - wc)[None, :] + rows[:, c1] * wc[None, :]
    image = Image.fromarray(full.astype(np.float32)).resize((shape[1], shape[0]), Image.BILINEAR)
    return np.array(image)


FLIPS = {"none": [()], "mirror": [(), (3,)], "flips": [(), (3,), (2,), (2, 3)]}


def moved(x, dy, dx):
    """The input's content moved down by dy and right by dx, edges repeated."""
    h, w = x.shape[-2:]
    padded = F.pad(x, (max(dx, 0), max(-dx, 0), max(dy, 0), max(-dy, 0)), mode="replicate")
    return padded[..., max(-dy, 0):max(-dy, 0) + h, max(-dx, 0):max(-dx, 0) + w]


def shift_offsets(shifts):
    """Offsets along one axis, evenly over one stride, centred on 0 (rounded
    half away from zero, as std::lround in CXR Studio)."""
    values = [(k - (shifts - 1) / 2) * STRIDE / shifts for k in range(shifts)]
    return [int(np.sign(v) * np.floor(abs(v) + 0.5)) for v in values]


def grad_cam_peak(model, x, target, shape, smoothing="none", shifts=1):
    size = x.shape[-1]
    if smoothing == "none" and shifts == 1:
        cam = grad_cam(model, x, target)
        i, j = np.unravel_index(int(cam.argmax()), cam.shape)
        return cell_centre(i, size, shape[0]), cell_centre(j, size, shape[1])
    total = 0
    for dims in FLIPS[smoothing]:
        flipped = x.flip(dims) if dims else x
        for dy in shift_offsets(shifts):
            for dx in shift_offsets(shifts):
                back = on_image(grad_cam(model, moved(flipped, dy, dx), target), size, shape, (dy, dx))
                total = total + (np.flip(back, tuple(d - 2 for d in dims)) if dims else back)
    return np.unravel_index(int(total.argmax()), total.shape)


def reachable(mask, cells, size):
    """True when the mask covers a cell centre of a cells x cells map."""
    n_rows, n_cols = mask.shape
    return any(mask[cell_centre(i, size, n_rows), cell_centre(j, size, n_cols)]
               for i in range(cells) for j in range(cells))


def occlusion_peak(model, gray, target, preprocessing, patch=32, step=16):
    n_rows, n_cols = gray.shape
    images, corners = [], []
    for y in range(0, n_rows - patch + 1, step):
        for x in range(0, n_cols - patch + 1, step):
            occluded = gray.copy()
            occluded[y:y + patch, x:x + patch] = gray[y:y + patch, x:x + patch].mean()
            images.append(occluded)
            corners.append((y, x))
    with torch.no_grad():
        p0 = F.softmax(model(to_input(gray, preprocessing)), 1)[0, target].item()
        drops = []
        for i in range(0, len(images), 32):
            batch = torch.cat([to_input(g, preprocessing) for g in images[i:i + 32]])
            drops.append(p0 - F.softmax(model(batch), 1)[:, target])
    best = int(torch.cat(drops).argmax())
    return corners[best], patch


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("checkpoint")
    parser.add_argument("phantoms")
    parser.add_argument("--split", default="test")
    parser.add_argument("--occlusion-images", type=int, default=6)
    parser.add_argument("--smoothing", choices=sorted(FLIPS), default="none")
    parser.add_argument("--shifts", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(os.cpu_count() or 1)
    model, classes, preprocessing = load(args.checkpoint)
    hits_all, reachable_all = [], []
    for target, name in enumerate(classes):
        files = sorted(glob.glob(os.path.join(args.phantoms, args.split, name, "*.png")))
        masks = [os.path.join(args.phantoms, "masks", args.split, name, os.path.basename(f)) for f in files]
        if not files or not os.path.exists(masks[0]) or not np.array(Image.open(masks[0])).any():
            continue  # no lesion masks for this class (NORMAL)
        cam_hits, occlusion_hits, reachable_hits = [], [], []
        cells = -(-preprocessing["image_size"] // 32)  # ResNet50's stride
        for i, (image_file, mask_file) in enumerate(zip(files, masks)):
            gray = np.array(Image.open(image_file).convert("L")).astype(np.float32) / 255
            mask = np.array(Image.open(mask_file)) > 0
            x = to_input(gray, preprocessing)
            y, xx = grad_cam_peak(model, x, target, gray.shape, args.smoothing, args.shifts)
            cam_hits.append(bool(mask[y, xx]))
            reachable_hits.append(reachable(mask, cells, preprocessing["image_size"]))
            if i < args.occlusion_images:
                (oy, ox), patch = occlusion_peak(model, gray, target, preprocessing)
                occlusion_hits.append(bool(mask[oy:oy + patch, ox:ox + patch].any()))
        hits_all += cam_hits
        reachable_all += reachable_hits
        print(f"{name:10} images {len(cam_hits):3}  torchvision Grad-CAM pointing game "
              f"{np.mean(cam_hits):.3f}  best reachable at {cells}x{cells} "
              f"{np.mean(reachable_hits):.3f}  occlusion peak on the lesion "
              f"{sum(occlusion_hits)}/{len(occlusion_hits)}")
    print(f"pointing_game={np.mean(hits_all):.3f} reachable={np.mean(reachable_all):.3f}")


if __name__ == "__main__":
    main()
