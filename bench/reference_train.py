#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The whole training run in PyTorch, as a torchvision user writes it: the
reference `bench/compare.sh` times `cxr train` against (workload train_e2e).

ImageFolder with the paper's transforms, a DataLoader with worker processes,
a validation split of the training folder, Adam 1e-3 and StepLR(10, 0.5),
validation after every epoch, the best model saved, and the test split
predicted by the best model at the end. Prints one JSON line. Uses Debian's
python3-torch/torchvision."""
import argparse
import json
import os
import tempfile
import time

import torch
import torch.nn.functional as F
import torchvision
from torchvision import transforms

MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def folder(root, size, augment):
    steps = [transforms.Grayscale(num_output_channels=3), transforms.Resize((size, size))]
    if augment:
        steps += [transforms.RandomHorizontalFlip(0.5),
                  transforms.RandomVerticalFlip(0.5),
                  transforms.RandomApply([transforms.RandomRotation(15)], p=0.3)]
    steps += [transforms.ToTensor(), transforms.Normalize(MEAN, STD)]
    return torchvision.datasets.ImageFolder(root, transforms.Compose(steps))


def predict(model, loader, best):
    model.eval()
    correct = total = 0
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=best):
        for x, y in loader:
            if best:
                x = x.contiguous(memory_format=torch.channels_last)
            correct += (model(x).argmax(1) == y).sum().item()
            total += len(y)
    return correct / max(total, 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--image-size", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--best", action="store_true",
                        help="channels_last and bfloat16 autocast (where the CPU has it)")
    args = parser.parse_args()
    start = time.perf_counter()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    bf16 = args.best and any("avx512_bf16" in line or "amx_bf16" in line
                             for line in open("/proc/cpuinfo") if line.startswith("flags"))

    train_root = os.path.join(args.data, "train")
    augmented = folder(train_root, args.image_size, True)
    plain = folder(train_root, args.image_size, False)
    order = torch.randperm(len(augmented)).tolist()
    val_count = max(1, len(order) // 10)
    train_set = torch.utils.data.Subset(augmented, order[val_count:])
    val_set = torch.utils.data.Subset(plain, order[:val_count])
    test_set = folder(os.path.join(args.data, "test"), args.image_size, False)
    loader = lambda d, shuffle: torch.utils.data.DataLoader(
        d, batch_size=args.batch_size, shuffle=shuffle, num_workers=args.workers)
    train_loader, val_loader, test_loader = (
        loader(train_set, True), loader(val_set, False), loader(test_set, False))

    model = torchvision.models.resnet50(num_classes=len(augmented.classes))
    if args.best:
        model = model.to(memory_format=torch.channels_last)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    schedule = torch.optim.lr_scheduler.StepLR(optimiser, step_size=10, gamma=0.5)
    best_accuracy, images = -1.0, 0
    with tempfile.TemporaryDirectory() as out:
        best_file = os.path.join(out, "best.pt")
        for _ in range(args.epochs):
            model.train()
            for x, y in train_loader:
                if args.best:
                    x = x.contiguous(memory_format=torch.channels_last)
                optimiser.zero_grad()
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                    logits = model(x)
                F.cross_entropy(logits.float(), y).backward()
                optimiser.step()
                images += len(y)
            schedule.step()
            accuracy = predict(model, val_loader, bf16)
            if accuracy > best_accuracy:
                best_accuracy = accuracy
                torch.save(model.state_dict(), best_file)
        model.load_state_dict(torch.load(best_file))
        test_accuracy = predict(model, test_loader, bf16)
    seconds = time.perf_counter() - start
    print(json.dumps({"workload": "train_e2e", "seconds": seconds,
                      "images_per_second": images / seconds, "train_images": len(train_set),
                      "epochs": args.epochs, "test_accuracy": test_accuracy,
                      "precision": "bf16" if bf16 else "fp32"}), flush=True)


if __name__ == "__main__":
    main()
