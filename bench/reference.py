#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The PyTorch reference for bench/compare.sh: the same workloads as
`cxr bench`, written the way a user of torchvision would, printed as one JSON
line. With --best, PyTorch at its best on this CPU: the model and inputs in
channels_last, and bfloat16 autocast where the CPU computes bfloat16
natively. Uses Debian's python3-torch/torchvision."""
import argparse
import contextlib
import json
import os
import resource
import statistics
import time

import torch
import torch.nn.functional as F
import torchvision
from torchvision import transforms


def native_bf16():
    with open("/proc/cpuinfo") as info:
        flags = next((line for line in info if line.startswith("flags")), "").split()
    return "avx512_bf16" in flags or "amx_bf16" in flags


def best_settings(args, model, x):
    """The model and input as --best wants them, and the autocast context."""
    if not args.best:
        return model, x, contextlib.nullcontext()
    model = model.to(memory_format=torch.channels_last)
    x = x.contiguous(memory_format=torch.channels_last)
    return model, x, torch.autocast("cpu", dtype=torch.bfloat16, enabled=native_bf16())


def pipeline(args):
    # ImageFolder + the paper's transforms + a DataLoader with `threads` workers.
    transform = transforms.Compose([
        transforms.Grayscale(num_output_channels=3),
        transforms.Resize((args.image_size, args.image_size)),
        transforms.RandomHorizontalFlip(0.5),
        transforms.RandomVerticalFlip(0.5),
        transforms.RandomApply([transforms.RandomRotation(15)], p=0.3),
        transforms.ToTensor(),
        transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
    ])
    folder = torchvision.datasets.ImageFolder(os.path.join(args.data, "train"), transform)
    wanted = 96 if args.quick else 960
    indices = [i % len(folder) for i in range(wanted)]
    subset = torch.utils.data.Subset(folder, indices)
    loader = torch.utils.data.DataLoader(subset, batch_size=args.batch, num_workers=args.threads)
    start = time.perf_counter()
    images = sum(len(labels) for _, labels in loader)
    return {"images_per_second": images / (time.perf_counter() - start), "images": images}


def train_step(args, arch):
    torch.manual_seed(0)
    model = getattr(torchvision.models, arch)(num_classes=4)
    model.train()
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(args.batch, 3, args.image_size, args.image_size)
    y = torch.randint(0, 4, (args.batch,))
    model, x, autocast = best_settings(args, model, x)

    def step():
        optimiser.zero_grad()
        with autocast:
            logits = model(x)
        F.cross_entropy(logits.float(), y).backward()
        optimiser.step()

    step()
    steps = 1 if args.quick else 4
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {"images_per_second": steps * args.batch / seconds, "peak_rss_mb": peak}


def inference(args, arch, gradcam):
    torch.manual_seed(0)
    model = getattr(torchvision.models, arch)(num_classes=4).eval()
    x = torch.randn(1, 3, args.image_size, args.image_size)
    model, x, autocast = best_settings(args, model, x)
    features = {}

    def keep(_, __, output):
        features["map"] = output

    if gradcam:  # the usual hook-based Grad-CAM on layer4
        model.layer4.register_forward_hook(keep)

    def run():
        if gradcam:
            with autocast:
                logits = model(x)
            score = logits[0, logits.argmax()]
            grad = torch.autograd.grad(score, features["map"])[0][0]
            weights = grad.mean((1, 2))
            cam = torch.relu((weights[:, None, None] * features["map"][0]).sum(0))
            return cam / cam.max().clamp(min=1e-12)
        with torch.inference_mode(), autocast:
            return model(x)

    run()
    run()
    times = []
    for _ in range(3 if args.quick else 15):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return {"latency_ms": statistics.median(times)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workload")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--batch-size", dest="batch", type=int, default=16)
    parser.add_argument("--image-size", type=int, default=224)
    parser.add_argument("--data")
    parser.add_argument("--best", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    w = args.workload
    result = {
        "pipeline": lambda: pipeline(args),
        "train_resnet50": lambda: train_step(args, "resnet50"),
        "train_densenet121": lambda: train_step(args, "densenet121"),
        "infer_resnet50": lambda: inference(args, "resnet50", False),
        "infer_densenet121": lambda: inference(args, "densenet121", False),
        "gradcam_resnet50": lambda: inference(args, "resnet50", True),
    }[w]()
    result["workload"] = w
    result["threads"] = torch.get_num_threads()
    result["best"] = args.best
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
